// The one engine worker of the page, and its client. Also exposed as globalThis.glmPocketEngine
// so browser tests and devtools can drive the engine directly. The fault drills answer only when
// the page was opened with `?fault-drills` (the browser tests).
import { EngineClient } from '../worker/client';
import { DRILLS_WORKER_NAME } from '../worker/protocol';

const drills = new URLSearchParams(location.search).has('fault-drills');

export const engine = new EngineClient(() => new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: drills ? DRILLS_WORKER_NAME : 'glm-pocket-engine' }));

(globalThis as { glmPocketEngine?: EngineClient }).glmPocketEngine = engine;
