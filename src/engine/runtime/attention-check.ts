// Checks a GPU's GroupQueryAttention kernel against the CPU's before a model relies on it.
// onnxruntime-web's WebGPU attention picks different shaders by the number of new tokens, and one of
// them can be wrong on a given GPU and driver: on SwiftShader (ORT 1.30), passes of 32 or more
// tokens give wrong attention while shorter passes and decoding are right.
// The check runs one layer's attention on random inputs, on the GPU and on wasm, at a long pass
// and at the short one the model would fall back to, and the engine plans around the result. With
// the KV cache written in place, the GPU runs in that mode too (past and present in one buffer),
// since ORT then takes other shaders (its fused copy-into-cache paths).
import type * as Ort from 'onnxruntime-web';
import { attentionWidths, type GlmConfig } from '../formats/config';
import { buildAttentionGraph } from '../graph/graphs';
import { firstPositions } from './kv-cache';
import * as io from '../graph/io-names';
import { seededRandom } from '../../util/random';
import { relativeError } from '../../util/compare';

type OrtModule = typeof Ort;

/** Longest pass of the short ones (on SwiftShader, ORT 1.30's attention is wrong from 32 new tokens on). */
export const SHORT_PASS_TOKENS = 31;
/** A pass well past 32 new tokens, with a past so that both the cached and the new positions are read. */
const LONG_PASS = { past: 16, tokens: 80 };
const TOLERANCE = 1e-3;
/**
 * With the cache in place, the model's buffers hold more positions than the sequence (capacity
 * doubles; a cut-back conversation leaves old keys behind): the check's buffers have this many
 * positions past the sequence, filled with large values that would show if the kernel read them.
 */
const STALE_TAIL = 16;
const STALE_VALUE = 1e4;

/** not-run: CPU, or plain-op attention; passed; short-passes: long passes failed; failed: GQA is wrong here. */
export type AttentionCheck = 'not-run' | 'passed' | 'short-passes' | 'failed';

/** How the model must run GQA on this device, and the errors measured (relative to the CPU's). */
export interface AttentionSupport {
  check: Exclude<AttentionCheck, 'not-run'>;
  /** Most new tokens per pass: Infinity, SHORT_PASS_TOKENS, or 0 when GQA must not be used. */
  passTokens: number;
  errors: { long: number; short?: number; decode?: number };
}

type ExecutionProviders = Ort.InferenceSession.SessionOptions['executionProviders'];

/** Per ORT module (the worker has one per backend), per head shape and cache mode. */
const checked = new WeakMap<OrtModule, Map<string, Promise<AttentionSupport>>>();

/**
 * Whether this device's GroupQueryAttention matches wasm's for the model's head shape, with the KV
 * cache written in place (kvInPlace) or not; checked once per shape and mode.
 */
export function checkGpuAttention(ort: OrtModule, config: GlmConfig, executionProviders: ExecutionProviders, kvInPlace: boolean): Promise<AttentionSupport> {
  const key = `${config.numHeads}/${config.numKvHeads}/${config.headDim}/${config.rotaryDim}/${config.ropeTheta}/${kvInPlace}`;
  const forModule = checked.get(ort) ?? new Map<string, Promise<AttentionSupport>>();
  checked.set(ort, forModule);
  let result = forModule.get(key);
  if (!result) {
    result = runChecks(ort, config, executionProviders, kvInPlace);
    forModule.set(key, result);
    result.catch(() => forModule.delete(key)); // a failed check is tried again by the next load
  }
  return result;
}

async function runChecks(ort: OrtModule, config: GlmConfig, executionProviders: ExecutionProviders, kvInPlace: boolean): Promise<AttentionSupport> {
  const graph = buildAttentionGraph(config, LONG_PASS.past + LONG_PASS.tokens + STALE_TAIL);
  // One after the other: ORT initializes its wasm module on the first create.
  const gpu = await ort.InferenceSession.create(graph, { executionProviders });
  const cpu = await ort.InferenceSession.create(graph, { executionProviders: ['wasm'] });
  const device = kvInPlace ? await ort.env.webgpu.device : null;
  const error = (tokens: number) => attentionError(ort, config, { gpu, cpu, device }, LONG_PASS.past, tokens);
  try {
    const long = await error(LONG_PASS.tokens);
    if (long <= TOLERANCE) return { check: 'passed', passTokens: Infinity, errors: { long } };
    const errors = { long, short: await error(SHORT_PASS_TOKENS), decode: await error(1) };
    if (errors.short <= TOLERANCE && errors.decode <= TOLERANCE) return { check: 'short-passes', passTokens: SHORT_PASS_TOKENS, errors };
    return { check: 'failed', passTokens: 0, errors };
  } finally {
    await Promise.all([gpu.release(), cpu.release()]);
  }
}

/** Largest error of the GPU session's outputs relative to the CPU session's (each output on its own scale). */
async function attentionError(
  ort: OrtModule,
  config: GlmConfig,
  run: { gpu: Ort.InferenceSession; cpu: Ort.InferenceSession; device: GPUDevice | null },
  past: number,
  tokens: number,
): Promise<number> {
  const { numKvHeads, headDim } = config;
  const random = seededRandom(past * 1000 + tokens);
  const values = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
  const width = attentionWidths(config).qkv;
  const pastKV = [values(numKvHeads * past * headDim), values(numKvHeads * past * headDim)];
  const input = {
    qkv: new ort.Tensor('float32', values(tokens * width), [1, tokens, width]),
    [io.pastKey(0)]: new ort.Tensor('float32', pastKV[0], [1, numKvHeads, past, headDim]),
    [io.pastValue(0)]: new ort.Tensor('float32', pastKV[1], [1, numKvHeads, past, headDim]),
    [io.SEQLENS_K]: new ort.Tensor('int32', Int32Array.of(past + tokens - 1), [1]),
    [io.TOTAL_SEQUENCE_LENGTH]: new ort.Tensor('int32', Int32Array.of(past + tokens), []),
  };
  const expected = await run.cpu.run(input);
  const actual = run.device ? await inPlaceRun(ort, run.gpu, run.device, input, pastKV, [numKvHeads, past, tokens, headDim]) : await run.gpu.run(input);
  let error = 0;
  for (const name of ['attention', io.presentKey(0), io.presentValue(0)]) error = Math.max(error, relativeError((await actual[name].getData()) as Float32Array, expected[name].data as Float32Array));
  return error;
}

/**
 * Runs the GPU session as the model does with kvInPlace: past and present key (and value) are one
 * GPU buffer of more positions than past + tokens (stale values after them), the past written into
 * its first positions; the present buffers are read back afterwards, their first past + tokens
 * positions compared.
 */
async function inPlaceRun(
  ort: OrtModule,
  session: Ort.InferenceSession,
  device: GPUDevice,
  input: Record<string, Ort.Tensor>,
  pastKV: Float32Array<ArrayBuffer>[],
  [heads, past, tokens, headDim]: number[],
): Promise<Record<string, Ort.Tensor>> {
  const total = past + tokens;
  const capacity = total + STALE_TAIL;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = pastKV.map((data) => {
    const buffer = device.createBuffer({ size: heads * capacity * headDim * 4, usage });
    device.queue.writeBuffer(buffer, 0, new Float32Array(heads * capacity * headDim).fill(STALE_VALUE));
    for (let h = 0; h < heads; h++) device.queue.writeBuffer(buffer, h * capacity * headDim * 4, data, h * past * headDim, past * headDim);
    return buffer;
  });
  /** The sequence's positions of a [1, heads, capacity, headDim] read-back. */
  const sequence = (data: Float32Array) => new ort.Tensor('float32', firstPositions(data, [heads, capacity, headDim], total), [1, heads, total, headDim]);
  try {
    const [key, value] = buffers.map((buffer) => ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims: [1, heads, capacity, headDim] }));
    const out = await session.run({ ...input, [io.pastKey(0)]: key, [io.pastValue(0)]: value }, { attention: null, [io.presentKey(0)]: key, [io.presentValue(0)]: value });
    const [presentKey, presentValue] = await Promise.all(buffers.map((buffer) => readBuffer(device, buffer)));
    return { attention: out.attention, [io.presentKey(0)]: sequence(presentKey), [io.presentValue(0)]: sequence(presentValue) };
  } finally {
    buffers.forEach((b) => b.destroy());
  }
}

async function readBuffer(device: GPUDevice, buffer: GPUBuffer): Promise<Float32Array> {
  const staging = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const data = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return data;
}
