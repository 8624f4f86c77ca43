// Checks a GPU's GroupQueryAttention kernel against the CPU's before a model relies on it.
// onnxruntime-web's WebGPU attention picks different shaders by the number of new tokens, and one of
// them can be wrong on a given GPU and driver: on SwiftShader (ORT 1.30), passes of 32 or more
// tokens (the prefill shader) give wrong attention while shorter passes and decoding are right.
// The check runs one layer's attention on random inputs, on the GPU and on wasm, at a long pass
// and at the short one the model would fall back to, and the engine plans around the result.
import type * as Ort from 'onnxruntime-web';
import type { GlmConfig } from './config';
import { buildAttentionGraph } from './graphs';
import * as io from './io-names';
import { seededRandom } from './sampling';
import { relativeError } from '../util/compare';

type OrtModule = typeof Ort;

/** Longest pass the short-pass shaders take (ORT 1.30 switches to its prefill shader at 32). */
export const SHORT_PASS_TOKENS = 31;
/** A pass long enough to reach the prefill shader, with a past so both halves of the cache are read. */
const LONG_PASS = { past: 16, tokens: 80 };
const TOLERANCE = 1e-3;

/** not-run: CPU, or plain-op attention; passed; short-passes: long passes failed; failed: GQA is wrong here. */
export type AttentionCheck = 'not-run' | 'passed' | 'short-passes' | 'failed';

/** How the model must run GQA on this device, and the errors measured (relative to the CPU's). */
export interface AttentionSupport {
  check: Exclude<AttentionCheck, 'not-run'>;
  /** Most new tokens per pass: Infinity, SHORT_PASS_TOKENS, or 0 when GQA must not be used. */
  passTokens: number;
  errors: { long: number; short?: number; decode?: number };
}

/** Per ORT module (the worker has one per backend), per head shape. */
const checked = new WeakMap<OrtModule, Map<string, Promise<AttentionSupport>>>();

/** Whether this device's GroupQueryAttention matches wasm's for the model's head shape; checked once per shape. */
export function checkGpuAttention(ort: OrtModule, config: GlmConfig, executionProviders: Ort.InferenceSession.SessionOptions['executionProviders']): Promise<AttentionSupport> {
  const key = `${config.numHeads}/${config.numKvHeads}/${config.headDim}/${config.rotaryDim}/${config.ropeTheta}`;
  const forModule = checked.get(ort) ?? new Map<string, Promise<AttentionSupport>>();
  checked.set(ort, forModule);
  let result = forModule.get(key);
  if (!result) {
    result = runChecks(ort, config, executionProviders);
    forModule.set(key, result);
    result.catch(() => forModule.delete(key)); // a failed check is tried again by the next load
  }
  return result;
}

async function runChecks(ort: OrtModule, config: GlmConfig, executionProviders: Ort.InferenceSession.SessionOptions['executionProviders']): Promise<AttentionSupport> {
  const graph = buildAttentionGraph(config, LONG_PASS.past + LONG_PASS.tokens);
  // One after the other: ORT initializes its wasm module on the first create.
  const gpu = await ort.InferenceSession.create(graph, { executionProviders });
  const cpu = await ort.InferenceSession.create(graph, { executionProviders: ['wasm'] });
  try {
    const long = await attentionError(ort, config, gpu, cpu, LONG_PASS.past, LONG_PASS.tokens);
    if (long <= TOLERANCE) return { check: 'passed', passTokens: Infinity, errors: { long } };
    const errors = {
      long,
      short: await attentionError(ort, config, gpu, cpu, LONG_PASS.past, SHORT_PASS_TOKENS),
      decode: await attentionError(ort, config, gpu, cpu, LONG_PASS.past, 1),
    };
    if (errors.short <= TOLERANCE && errors.decode <= TOLERANCE) return { check: 'short-passes', passTokens: SHORT_PASS_TOKENS, errors };
    return { check: 'failed', passTokens: 0, errors };
  } finally {
    await Promise.all([gpu.release(), cpu.release()]);
  }
}

/** Largest error of the GPU session's outputs relative to the CPU session's (each output on its own scale). */
async function attentionError(ort: OrtModule, config: GlmConfig, gpu: Ort.InferenceSession, cpu: Ort.InferenceSession, past: number, tokens: number): Promise<number> {
  const { numHeads, numKvHeads, headDim } = config;
  const random = seededRandom(past * 1000 + tokens);
  const values = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
  const width = (numHeads + 2 * numKvHeads) * headDim;
  const input = {
    qkv: new ort.Tensor('float32', values(tokens * width), [1, tokens, width]),
    [io.pastKey(0)]: new ort.Tensor('float32', values(numKvHeads * past * headDim), [1, numKvHeads, past, headDim]),
    [io.pastValue(0)]: new ort.Tensor('float32', values(numKvHeads * past * headDim), [1, numKvHeads, past, headDim]),
    [io.SEQLENS_K]: new ort.Tensor('int32', Int32Array.of(past + tokens - 1), [1]),
    [io.TOTAL_SEQUENCE_LENGTH]: new ort.Tensor('int32', Int32Array.of(past + tokens), []),
  };
  const expected = await cpu.run(input);
  const actual = await gpu.run(input);
  let error = 0;
  for (const name of ['attention', io.presentKey(0), io.presentValue(0)]) {
    error = Math.max(error, relativeError((await actual[name].getData()) as Float32Array, expected[name].data as Float32Array));
  }
  return error;
}
