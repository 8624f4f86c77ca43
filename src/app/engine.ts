// The one engine worker of the page, and its client. Also exposed as globalThis.glmPocketEngine
// so browser tests and devtools can drive the engine directly.
import { EngineClient } from '../worker/client';

export const engine = new EngineClient(() => new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' }));

(globalThis as { glmPocketEngine?: EngineClient }).glmPocketEngine = engine;
