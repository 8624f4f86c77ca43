// The engine's choice of CPU kernels: a q4/q8 model on wasm runs on GLM Pocket's kernels (the load
// plan says so, and ModelInfo with it), onnxruntime's when asked; both answer alike.
import { expect, test } from 'vitest';
import { LocalEngine } from '../../../src/engine/engine';
import { checkpointSource, type ModelSource } from '../../../src/engine/formats/source';
import { nodeHost } from '../../../tools/node-engine';
import { fixtureCheckpoint, ort } from '../../helpers';

const PROMPT = [5, 9, 17, 200, 33, 101, 7, 64];

test("wasm q4: GLM Pocket's CPU kernels by default, onnxruntime's int8 plan when asked; greedy replies agree", async () => {
  const checkpoint = await fixtureCheckpoint({ shape: 'glm-edge', seed: 11 });
  const engine = new LocalEngine<ModelSource>({ ...nodeHost, runtime: async () => ort, open: async (opened) => opened });
  const reply = async () => (await engine.generate(PROMPT, { maxNewTokens: 16, temperature: 0, stopIds: [] })).ids;

  const info = await engine.load({ location: checkpointSource(checkpoint, 'q4'), backend: 'wasm', maxSequenceLength: 64 });
  expect(info).toMatchObject({ cpuKernels: true, plan: { kind: 'cpu-kernels', threads: 1 }, int8: { head: false, layers: 0 }, streaming: false, maxSequenceLength: 64 });
  const ours = await reply();

  const onnx = await engine.load({ location: checkpointSource(checkpoint, 'q4'), backend: 'wasm', maxSequenceLength: 64, cpuKernels: false });
  expect(onnx).toMatchObject({ cpuKernels: false, int8: { head: true, layers: checkpoint.config.numLayers } });
  const theirs = await reply();
  // Two quantizations of the activations (per block of 32 against per tensor): the first tokens agree.
  expect(ours.slice(0, 8)).toEqual(theirs.slice(0, 8));

  // A budget below the weights streams segments, which only onnxruntime's path does.
  const streamed = await engine.load({ location: checkpointSource(checkpoint, 'q4'), backend: 'wasm', maxSequenceLength: 64, memoryBudgetBytes: 1 });
  expect(streamed).toMatchObject({ cpuKernels: false, streaming: true });
  await engine.unload();
});
