// Shared test helpers: fixture checkpoints written once per run, ORT set up for Node, comparisons.
import * as ort from 'onnxruntime-web';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGlmCheckpoint, type CheckpointSpec } from '../tools/checkpoint-writer';
import { folderFiles } from '../tools/node-files';
import { openCheckpoint, type Checkpoint } from '../src/engine/formats/checkpoint';
export { relativeError } from '../src/util/compare';

ort.env.wasm.numThreads = 1;
export { ort };

export async function fixtureDir(spec: CheckpointSpec): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `glm-${spec.shape}-`));
  await writeGlmCheckpoint(dir, spec);
  return dir;
}

export async function fixtureCheckpoint(spec: CheckpointSpec): Promise<Checkpoint> {
  return openCheckpoint(folderFiles(await fixtureDir(spec)));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** Flattens per-position reference rows into one row-major array like the engine's. */
export function flatten(rows: Float64Array[]): Float64Array {
  const out = new Float64Array(rows.reduce((n, r) => n + r.length, 0));
  rows.forEach((r, i) => out.set(r, i * r.length));
  return out;
}
