// A GLM model on the CPU kernels (kernels.c): every weight in the pack's own q4/q8 bytes in one
// WebAssembly memory, the KV cache after them, and the decoder run without onnxruntime. The surface
// is GlmModel's (forward, keepPrefix, reset), so generation and the engine use either alike.
import { commonPrefixLength } from '../../util/compare';
import { Arena } from '../formats/arena';
import { attentionWidths, type GlmConfig } from '../formats/config';
import { readBasePart, readLayerPart } from '../formats/parts';
import type { ModelSource } from '../formats/source';
import { outlierChannels } from '../formats/int8';
import { BLOCK_SIZE, type QuantizedMatrix } from '../formats/quant';
import type { EmbeddingWeight, LinearWeight } from '../formats/weights';
import { rotaryCaches } from '../graph/rotary';
import { cpuKernelsProblem } from '../runtime/fit';
import { ContextOverflowError, type CausalModel } from '../runtime/model';
import { KernelMemory } from './kernels';
import { KernelThreads, sharedMemorySupported } from './threads';

export interface CpuLoadOptions {
  /** Longest sequence (prompt + reply): the rotary tables cover it and the KV cache may grow to it. */
  maxSequenceLength: number;
  /** Most new tokens per pass through the layers; longer forward() calls are split (default 32). */
  maxPassTokens?: number;
  /** Threads for the matrix products and attention (default 1, at most 8); more than one needs shared memory (cross-origin isolation), else one runs. */
  threads?: number;
  /** Work (multiply-adds) below which a product or attention pass is not split between threads (default threads.ts's SPLIT_MIN_WORK). */
  splitMinWork?: number;
  /** Called after each part is placed: done / total parts. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * A q4/q8 matrix in kernel memory: its blocks and their scales, and for a matrix after a norm that
 * makes some channels outliers (outlierChannels, int8.ts), those input channels' columns in f32:
 * they are multiplied apart, so the activation blocks they sit in keep their resolution.
 */
interface PlacedMatrix {
  bits: 4 | 8;
  n: number;
  k: number;
  data: number;
  scales: number;
  outliers: { channels: number; count: number; columns: number } | null;
}

interface PlacedLayer {
  inputNorm: number;
  qkv: PlacedMatrix;
  qkvBias: number | null;
  o: PlacedMatrix;
  postNorm: number;
  gateUp: PlacedMatrix;
  down: PlacedMatrix;
}

/** Offsets of a pass's buffers, sized for `pass` tokens. */
interface Scratch {
  hidden: number;
  normed: number;
  xq: number;
  xs: number;
  qkv: number;
  attention: number;
  projected: number;
  gateUp: number;
  activated: number;
  logits: number;
  saved: number;
  scores: number;
  cos: number;
  sin: number;
}

const BLOCK = BLOCK_SIZE;

/** Columns `channels` of a q4/q8 matrix [n, k] as floats, [channels, n]. */
function quantizedColumns(m: QuantizedMatrix, channels: number[]): Float32Array {
  const out = new Float32Array(channels.length * m.n);
  const rowBytes = (m.blocksPerRow * BLOCK * m.bits) / 8;
  channels.forEach((channel, i) => {
    const block = Math.floor(channel / BLOCK);
    for (let row = 0; row < m.n; row++) {
      const byte = m.data[row * rowBytes + Math.floor((channel * m.bits) / 8)];
      const level = m.bits === 8 ? byte - 128 : (channel & 1 ? byte >> 4 : byte & 15) - 8;
      out[i * m.n + row] = level * m.scales[row * m.blocksPerRow + block];
    }
  });
  return out;
}

/** Copies a q4/q8 weight into kernel memory; `inputNorm`: the norm before it, whose outlier channels are kept apart. */
function placeMatrix(memory: KernelMemory, weight: LinearWeight | EmbeddingWeight, name: string, inputNorm?: Float32Array): PlacedMatrix {
  if (weight.kind !== 'quantized') throw new TypeError(`${name}: the CPU kernels read q4/q8 blocks, got ${weight.kind} weights`);
  const m = weight.matrix;
  return { bits: m.bits, n: m.n, k: m.k, data: memory.place(m.data), scales: memory.place(m.scales), outliers: placeOutliers(memory, m, inputNorm) };
}

function placeOutliers(memory: KernelMemory, m: QuantizedMatrix, inputNorm: Float32Array | undefined): PlacedMatrix['outliers'] {
  const channels = inputNorm ? outlierChannels(inputNorm) : [];
  return channels.length > 0 ? { channels: memory.place(Int32Array.from(channels)), count: channels.length, columns: memory.place(quantizedColumns(m, channels)) } : null;
}

/** Reads the source part by part into kernel memory: JS holds one part at a time besides it. */
export async function loadCpuModel(source: ModelSource, options: CpuLoadOptions): Promise<CpuGlmModel> {
  const { config, format } = source;
  const problem = cpuKernelsProblem(config, format);
  if (problem) throw new TypeError(problem);
  const pass = options.maxPassTokens ?? 32;
  if (!(pass >= 1 && Number.isInteger(pass))) throw new RangeError(`maxPassTokens must be a positive integer, got ${pass}`);
  const maxSequenceLength = options.maxSequenceLength;
  let weightBytes = source.baseBytes();
  for (let layer = 0; layer < config.numLayers; layer++) weightBytes += source.layerBytes(layer);
  const threadCount = Math.min(MAX_THREADS, Math.max(1, Math.floor(options.threads ?? 1)));
  const shared = threadCount > 1 && sharedMemorySupported();
  const memory = new KernelMemory(weightBytes + scratchBytes(config, pass, maxSequenceLength) + 4 * KV_BLOCK * kvBytesPerPosition(config), shared);
  const total = config.numLayers + 1;
  let done = 0;

  const padding = 64 * 16;
  let arena = new Arena(source.baseBytes() + padding);
  const base = readBasePart(await source.readBase(arena), config, format);
  const embedding = placeMatrix(memory, base.embedTokens, 'model.embed_tokens.weight');
  // Tied embeddings: lm_head reads the table's own blocks.
  const lmHead = base.lmHead
    ? placeMatrix(memory, base.lmHead, 'lm_head.weight', base.norm)
    : { ...embedding, outliers: base.embedTokens.kind === 'quantized' ? placeOutliers(memory, base.embedTokens.matrix, base.norm) : null };
  const norm = memory.place(base.norm);
  arena.release();
  options.onProgress?.(++done, total);

  arena = new Arena(source.layerBytes(0) + padding);
  const layers: PlacedLayer[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    arena.reset();
    const w = readLayerPart(await source.readLayer(layer, arena), layer, config, format);
    const p = `model.layers.${layer}.`;
    layers.push({
      inputNorm: memory.place(w.inputLayernorm),
      qkv: placeMatrix(memory, w.qkvProj, `${p}self_attn.qkv_proj.weight`, w.inputLayernorm),
      qkvBias: w.qkvBias ? memory.place(w.qkvBias) : null,
      o: placeMatrix(memory, w.oProj, `${p}self_attn.o_proj.weight`),
      postNorm: memory.place(w.postAttentionLayernorm),
      gateUp: placeMatrix(memory, w.gateUpProj, `${p}mlp.gate_up_proj.weight`, w.postAttentionLayernorm),
      down: placeMatrix(memory, w.downProj, `${p}mlp.down_proj.weight`),
    });
    options.onProgress?.(++done, total);
  }
  arena.release();
  const scratch = allocateScratch(memory, config, pass, maxSequenceLength);
  const threads = await KernelThreads.start(memory, shared ? threadCount : 1, options.splitMinWork);
  return new CpuGlmModel(config, maxSequenceLength, pass, memory, threads, { embedding, lmHead, norm, layers }, scratch, weightBytes);
}

/** Attention scratch of one thread: a row of weights per query head of a key/value head. */
function scoresBytes(config: GlmConfig, maxSequenceLength: number): number {
  return Math.ceil(((config.numHeads / config.numKvHeads) * maxSequenceLength * 4) / 16) * 16;
}

/** Most threads the kernels run on (each has its own attention scratch). */
const MAX_THREADS = 8;

/** Positions per block of the KV cache: kernels.c's KV_BLOCK. */
const KV_BLOCK = 64;

/** Keys and values of every layer for one position, f32. */
function kvBytesPerPosition(config: GlmConfig): number {
  return config.numLayers * 2 * attentionWidths(config).kv * 4;
}

function scratchSizes(config: GlmConfig, pass: number, maxSequenceLength: number) {
  const { hiddenSize: H, intermediateSize: I, vocabSize: V } = config;
  const widths = attentionWidths(config);
  const widest = Math.max(H, I, widths.q);
  const blocks = Math.ceil(widest / BLOCK);
  const half = config.rotaryDim / 2;
  return {
    hidden: pass * H * 4,
    normed: pass * H * 4,
    xq: pass * blocks * BLOCK * 2,
    xs: pass * blocks * 4,
    qkv: pass * widths.qkv * 4,
    attention: pass * widths.q * 4,
    projected: pass * H * 4,
    gateUp: pass * 2 * I * 4,
    activated: pass * I * 4,
    logits: pass * V * 4,
    saved: pass * Math.ceil(H / 16) * 4,
    scores: MAX_THREADS * scoresBytes(config, maxSequenceLength),
    cos: maxSequenceLength * half * 4,
    sin: maxSequenceLength * half * 4,
  };
}

function scratchBytes(config: GlmConfig, pass: number, maxSequenceLength: number): number {
  return Object.values(scratchSizes(config, pass, maxSequenceLength)).reduce((a, b) => a + b + 16, 0);
}

function allocateScratch(memory: KernelMemory, config: GlmConfig, pass: number, maxSequenceLength: number): Scratch {
  const sizes = scratchSizes(config, pass, maxSequenceLength);
  const scratch = Object.fromEntries(Object.entries(sizes).map(([name, bytes]) => [name, memory.alloc(bytes)])) as unknown as Scratch;
  const caches = rotaryCaches(config, maxSequenceLength);
  memory.floats(scratch.cos, caches.cos.length).set(caches.cos);
  memory.floats(scratch.sin, caches.sin.length).set(caches.sin);
  return scratch;
}

interface PlacedWeights {
  embedding: PlacedMatrix;
  lmHead: PlacedMatrix;
  norm: number;
  layers: PlacedLayer[];
}

export class CpuGlmModel implements CausalModel {
  /** The token ids whose keys and values the cache holds, in order. */
  private cachedIds: number[] = [];
  /** Start of the KV cache: after everything else, so it grows at the end of the memory. */
  private readonly kvBase: number;
  private released = false;
  /** One thread's share of scratch.scores. */
  private readonly scoresBytes: number;

  constructor(
    readonly config: GlmConfig,
    readonly maxSequenceLength: number,
    /** Most new tokens per pass through the layers. */
    readonly passTokens: number,
    private readonly memory: KernelMemory,
    private readonly threads: KernelThreads,
    private readonly weights: PlacedWeights,
    private readonly scratch: Scratch,
    /** The weights' bytes in kernel memory (the pack's bytes). */
    readonly weightBytes: number,
  ) {
    this.kvBase = memory.alloc(0);
    this.scoresBytes = scoresBytes(config, maxSequenceLength);
  }

  /** Tokens already in the KV cache. */
  get cachedTokens(): number {
    return this.cachedIds.length;
  }

  get cachedSequence(): readonly number[] {
    return this.cachedIds;
  }

  /** The kernel memory's size: weights, scratch and the KV cache as far as it has grown. */
  get memoryBytes(): number {
    return this.memory.sizeBytes;
  }

  reset(): void {
    this.cachedIds = [];
  }

  /** As GlmModel.keepPrefix: the cache is indexed by position, so keeping a prefix is forgetting the rest. */
  keepPrefix(ids: readonly number[]): number {
    if (ids.length === 0) throw new RangeError('a prompt needs at least one token');
    const kept = Math.min(commonPrefixLength(this.cachedIds, ids), ids.length - 1);
    this.cachedIds.length = kept;
    return kept;
  }

  /** As GlmModel.forward: appends tokens to the cached sequence and returns their logits (the last row, or all with allPositions). */
  async forward(ids: readonly number[], allPositions = false): Promise<Float32Array> {
    if (this.released) throw new Error('the model was released');
    if (ids.length === 0) throw new RangeError('forward needs at least one token');
    const T = this.cachedIds.length + ids.length;
    if (T > this.maxSequenceLength) throw new ContextOverflowError(T, this.maxSequenceLength);
    const { vocabSize } = this.config;
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
    if (bad !== undefined) throw new RangeError(`token id ${bad} is outside the vocabulary (0..${vocabSize - 1})`);
    const out = new Float32Array((allPositions ? ids.length : 1) * vocabSize);
    try {
      for (let first = 0; first < ids.length; first += this.passTokens) {
        const chunk = ids.slice(first, first + this.passTokens);
        const last = first + chunk.length === ids.length;
        const rows = allPositions ? chunk.length : last ? 1 : 0;
        this.pass(chunk, rows);
        if (rows > 0) out.set(this.memory.floats(this.scratch.logits, rows * vocabSize), allPositions ? first * vocabSize : 0);
      }
    } catch (error) {
      this.reset(); // a pass that failed part way leaves no half-written cache behind
      throw error;
    }
    return out;
  }

  /** One pass of up to passTokens tokens through every layer; the logits of its last `logitRows` rows land in scratch.logits. */
  private pass(ids: readonly number[], logitRows: number): void {
    const { memory, scratch: s, config: c, weights } = this;
    const run = memory.run;
    const { hiddenSize: H, intermediateSize: I } = c;
    const widths = attentionWidths(c);
    const count = ids.length;
    const past = this.cachedIds.length;
    memory.ensure(this.kvBase + Math.ceil((past + count) / KV_BLOCK) * KV_BLOCK * kvBytesPerPosition(c));
    const e = weights.embedding;
    ids.forEach((id, i) => run.dequantize_row(e.bits, e.data, e.scales, H, id, s.hidden + i * H * 4));
    const product = (m: PlacedMatrix, x: number, rows: number, y: number) => {
      if (m.outliers) run.take_channels(x, rows, m.k, m.outliers.channels, m.outliers.count, s.saved);
      run.quantize_rows(x, rows, m.k, s.xq, s.xs, m.bits === 4 ? 1 : 0);
      this.threads.matmul(m.bits, m.data, m.scales, s.xq, s.xs, y, m.n, m.k, rows);
      if (m.outliers) run.add_channels(s.saved, rows, m.outliers.count, m.outliers.columns, y, m.n);
    };
    weights.layers.forEach((layer, index) => {
      run.rms_norm(s.hidden, layer.inputNorm, s.normed, count, H, c.rmsNormEps);
      product(layer.qkv, s.normed, count, s.qkv);
      if (layer.qkvBias !== null) run.add_bias(s.qkv, layer.qkvBias, count, widths.qkv);
      run.attention_store(s.qkv, this.kvBase, index, c.numLayers, past, count, c.numHeads, c.numKvHeads, c.headDim, c.rotaryDim, s.cos, s.sin);
      this.threads.attention(s.qkv, this.kvBase, index, c.numLayers, past, count, c.numHeads, c.numKvHeads, c.headDim, s.attention, s.scores, this.scoresBytes);
      product(layer.o, s.attention, count, s.projected);
      run.add_into(s.hidden, s.projected, count * H);
      run.rms_norm(s.hidden, layer.postNorm, s.normed, count, H, c.rmsNormEps);
      product(layer.gateUp, s.normed, count, s.gateUp);
      run.silu_mul(s.gateUp, s.activated, count, I);
      product(layer.down, s.activated, count, s.projected);
      run.add_into(s.hidden, s.projected, count * H);
    });
    this.cachedIds.push(...ids);
    if (logitRows > 0) {
      const firstRow = s.hidden + (count - logitRows) * H * 4;
      run.rms_norm(firstRow, weights.norm, s.normed, logitRows, H, c.rmsNormEps);
      product(weights.lmHead, s.normed, logitRows, s.logits);
    }
  }

  /** Threads that run the matrix products (1: the caller's alone). */
  get threadCount(): number {
    return this.threads.count;
  }

  /** The memory goes with the model; it cannot run after. */
  async release(): Promise<void> {
    if (!this.released) this.threads.close();
    this.released = true;
    this.cachedIds = [];
  }
}
