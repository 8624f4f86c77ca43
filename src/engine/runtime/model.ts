// A loaded GLM model: one InferenceSession for the embedding, one per segment of layers, one for
// the head, and the KV cache of the sequence being generated. Loading reads one part at a time and
// hands its buffer to ORT as externalData, so JS holds at most one segment's weights while loading;
// segments the memory budget cannot keep are loaded again for each forward pass (streaming).
import type * as Ort from 'onnxruntime-web';
import { concatArrays, formatBytes } from '../../util/bytes';
import { commonPrefixLength } from '../../util/compare';
import { Arena } from '../formats/arena';
import { checkGpuAttention, type AttentionCheck } from './attention-check';
import { firstPositions, GpuKvCache } from './kv-cache';
import type { GlmConfig } from '../formats/config';
import { buildEmbeddingGraph, buildHeadGraph, buildSegmentGraph, defaultAttentionKind, type AttentionKind } from '../graph/graphs';
import * as io from '../graph/io-names';
import { readBasePart, readLayerPart, type LayerWeights } from '../formats/parts';
import { int8Linear, outlierChannels } from '../formats/int8';
import { NO_INT8, type DeviceFacts, type Int8Plan } from './fit';
import { planSegments, type Segment, type SegmentPlan } from './plan';
import { estimateLayerBytes, largestLayerMatrixBytes, linearBytes, type ModelSource } from '../formats/source';
import type { ExternalFile } from '../graph/onnx/graph';
import { isQuantized, widen, type LinearWeight, type WeightFormat } from '../formats/weights';

export type OrtModule = typeof Ort;

/** The context length a model is loaded for when none is asked for (and its config allows it). */
export const DEFAULT_CONTEXT_TOKENS = 4096;

/** Largest initializer handed to the GPU at once; larger tables and lm_heads are split by rows. */
const GPU_UPLOAD_BYTES = 16 * 2 ** 20;

export interface LoadOptions {
  ort: OrtModule;
  /** Forces decoder layers per InferenceSession; by default the plan picks it from the device. */
  segmentSize?: number;
  /** Most bytes of weights to keep loaded; beyond it, segments stream from the source. */
  memoryBudgetBytes?: number;
  device?: DeviceFacts;
  /** Defaults to GQA where the shape allows it. */
  attention?: AttentionKind;
  /** Longest sequence (prompt + reply) the KV cache and rotary tables cover. */
  maxSequenceLength?: number;
  sessionOptions?: Ort.InferenceSession.SessionOptions;
  /**
   * Let ORT's CPU kernels keep a pre-packed copy of float weights (default true): about 30% faster
   * f32 decoding on wasm, at the cost of a second copy of those weights. No effect on q4/q8 speed.
   */
  prepackWeights?: boolean;
  /**
   * Widens q4/q8 linear layers (lm_head included) to f32 as their sessions are created: the same
   * values, read by ORT's f32 MatMul instead of MatMulNBits, for 8x (q4) or 4x (q8) the weights'
   * memory. The segment plan counts the widened size. For comparisons with the int8 path, which
   * decodes as fast at a quarter of the memory and which the plan chooses instead (docs/engine.md).
   */
  floatWeightsOnCpu?: boolean;
  /**
   * wasm, q4/q8: lm_head and the first layers converted to int8 as their sessions are created, for
   * ORT's QGEMM kernels (per-column weight scales, activations quantized per tensor; formats/int8.ts).
   * The rest stay MatMulNBits. planLoad() (fit.ts) chooses it within the memory budget.
   */
  int8?: Int8Plan;
  /**
   * On WebGPU with GQA (default true): the KV cache lives in fixed-capacity GPU buffers that GQA
   * writes in place (see kv-cache.ts); false lets ORT allocate a longer cache every step.
   */
  kvInPlace?: boolean;
  /** Most new tokens per pass through the layers; longer forward() calls are split (default: no limit). */
  maxPassTokens?: number;
  /** Called after each session is created: done / total sessions. */
  onProgress?: (done: number, total: number) => void;
}

type SessionFactory = (graph: Uint8Array, parts: ExternalFile[], gpuOutputs?: string[]) => Promise<Ort.InferenceSession>;

/**
 * How a segment's q4/q8 layers run on the CPU: widened to f32, or layers below `int8Layers` as int8,
 * converted into `converted` (reused from segment to segment, like the arena the layers are read into).
 */
interface CpuKernels {
  floatWeights: boolean;
  int8Layers: number;
  converted: Arena;
}

/** Reads a segment's layers into the arena and creates its session; the arena is free again after. */
async function createSegmentSession(source: ModelSource, segment: Segment, attention: AttentionKind, maxSequenceLength: number, create: SessionFactory, arena: Arena, kernels: CpuKernels): Promise<Ort.InferenceSession> {
  arena.reset();
  kernels.converted.reset();
  const parts = [];
  for (let i = 0; i < segment.layerCount; i++) parts.push(await source.readLayer(segment.firstLayer + i, arena));
  // Widened and int8 weights go to ORT as external data too, so the graph's protobuf does not copy them.
  const files: ExternalFile[] = [...parts];
  const widenAs = (w: LinearWeight, name: string) => externalWidened(w, name, files);
  const weights = parts.map((part, i) => {
    const layer = segment.firstLayer + i;
    const w = readLayerPart(part, layer, source.config, source.format);
    const p = `${part.name}.f32.`;
    if (layer < kernels.int8Layers) return int8Layer(w, `${part.name}.int8.`, files, kernels.converted);
    return kernels.floatWeights ? { ...w, qkvProj: widenAs(w.qkvProj, `${p}qkv`), oProj: widenAs(w.oProj, `${p}o`), gateUpProj: widenAs(w.gateUpProj, `${p}gate_up`), downProj: widenAs(w.downProj, `${p}down`) } : w;
  });
  const graph = buildSegmentGraph(source.config, segment.firstLayer, weights, attention, maxSequenceLength, files);
  const layers = Array.from({ length: segment.layerCount }, (_, i) => segment.firstLayer + i);
  return create(graph, files, [io.HIDDEN_STATES_OUT, ...layers.flatMap((l) => [io.presentKey(l), io.presentValue(l)])]);
}

/** widen(), with the f32 copy registered as an external file. */
function externalWidened(w: LinearWeight, name: string, files: ExternalFile[]): LinearWeight {
  const wide = widen(w);
  if (wide.kind === 'float' && wide !== w) files.push({ name, bytes: new Uint8Array(wide.data.buffer, wide.data.byteOffset, wide.data.byteLength) });
  return wide;
}

/**
 * A layer's projections as int8: qkv and gate_up keep the outlier channels of the norm before them
 * in f32, o_proj and down_proj (whose inputs are not normalized) scale each token's row (int8.ts).
 * The int8 arrays join the session's external files.
 */
function int8Layer(w: LayerWeights, prefix: string, files: ExternalFile[], into: Arena): LayerWeights {
  const convert = (weight: LinearWeight, input: Parameters<typeof int8Linear>[1], name: string) => externalInt8(weight, input, prefix + name, files, into);
  return {
    ...w,
    qkvProj: convert(w.qkvProj, { outliers: outlierChannels(w.inputLayernorm) }, 'qkv'),
    oProj: convert(w.oProj, { scaleRows: true }, 'o'),
    gateUpProj: convert(w.gateUpProj, { outliers: outlierChannels(w.postAttentionLayernorm) }, 'gate_up'),
    downProj: convert(w.downProj, { scaleRows: true }, 'down'),
  };
}

/** int8Linear(), with the int8 bytes registered as an external file. */
function externalInt8(w: LinearWeight, input: Parameters<typeof int8Linear>[1], name: string, files: ExternalFile[], into: Arena): LinearWeight {
  const converted = int8Linear(w, input, (bytes) => into.alloc(bytes));
  if (converted.kind === 'int8') files.push({ name, bytes: new Uint8Array(converted.matrix.data.buffer, converted.matrix.data.byteOffset, converted.matrix.data.byteLength) });
  return converted;
}

/** A layer matrix the GPU cannot bind is refused before anything is read (only lm_head is split). */
function checkLayerBindings(config: GlmConfig, format: WeightFormat, maxBindingBytes: number | undefined): void {
  if (!maxBindingBytes) return;
  const largest = largestLayerMatrixBytes(config, format);
  if (largest > maxBindingBytes) {
    throw new RangeError(`a layer matrix of this model takes ${formatBytes(largest)} as ${format}, more than this GPU binds at once (${formatBytes(maxBindingBytes)}): use a smaller quantization`);
  }
}

/** Builds every graph from the source and creates its sessions, one segment at a time. */
export async function loadGlmModel(source: ModelSource, options: LoadOptions): Promise<GlmModel> {
  const { ort } = options;
  const config = source.config;
  const executionProviders = options.sessionOptions?.executionProviders ?? [];
  const onGpu = executionProviders.some((ep) => (typeof ep === 'string' ? ep : ep.name) === 'webgpu');
  let attention = options.attention ?? defaultAttentionKind(config);
  // On a GPU, one layer's key (or value) cache [kv_heads, positions, head_dim] is one binding.
  const kvBytesPerPosition = config.numKvHeads * config.headDim * 4;
  const kvPositionsBound = onGpu ? Math.floor((options.device?.maxStorageBufferBindingSize ?? Infinity) / kvBytesPerPosition) : Infinity;
  const maxSequenceLength = Math.min(options.maxSequenceLength ?? Math.min(config.maxPositionEmbeddings, DEFAULT_CONTEXT_TOKENS), kvPositionsBound);
  const maxPassTokens = options.maxPassTokens ?? Infinity;
  if (!(maxPassTokens >= 1) || (Number.isFinite(maxPassTokens) && !Number.isInteger(maxPassTokens))) throw new RangeError(`maxPassTokens must be a positive integer, got ${maxPassTokens}`);
  const quantized = isQuantized(source.format);
  const floatWeights = Boolean(options.floatWeightsOnCpu) && quantized;
  const int8 = quantized && !floatWeights && !onGpu ? (options.int8 ?? NO_INT8) : NO_INT8;
  const int8Layers = Math.min(config.numLayers, int8.layers);
  const sizes = floatWeights ? widenedSizes(source) : { layerBytes: source.layerBytes(0), baseBytes: source.baseBytes() };
  const plan = planSegments({
    numLayers: config.numLayers,
    ...sizes,
    // While its segment's session is created, a layer converted to int8 is held as read and as int8
    // in JS, both again in the wasm heap (ORT copies external data in), and int8 once more as the
    // kernel's packed copy: segments of int8 layers are sized by all of it, to bound the load peak.
    ...(int8Layers > 0 && { loadingLayerBytes: 2 * sizes.layerBytes + 3 * estimateLayerBytes(config, 'int8') }),
    budgetBytes: options.memoryBudgetBytes,
    device: options.device,
    segmentSize: options.segmentSize,
    onGpu,
  });
  const extra = options.prepackWeights === false ? { session: { disable_prepacking: '1' } } : undefined;
  // On WebGPU, hidden states and the KV cache stay in GPU buffers from one session to the next:
  // only token ids go up and logits come down. (Not for streamed segments, released after each run.)
  const gpuResident = onGpu && !plan.streaming;
  checkLayerBindings(config, source.format, options.device?.maxStorageBufferBindingSize);
  // GPU attention kernels are checked against the CPU's first, in the cache mode the model will use
  // (see attention-check.ts); a GPU that fails the check on long passes gets short ones.
  const kvInPlace = gpuResident && options.kvInPlace !== false;
  let attentionCheck: AttentionCheck = 'not-run';
  let passTokens = maxPassTokens;
  if (onGpu && attention === 'gqa') {
    const support = await checkGpuAttention(ort, config, executionProviders, kvInPlace);
    attentionCheck = support.check;
    if (support.check === 'failed') attention = 'plain';
    else passTokens = Math.min(passTokens, support.passTokens);
  }
  const createOn =
    (executionProviders?: Ort.InferenceSession.SessionOptions['executionProviders']): SessionFactory =>
    (graph, parts, gpuOutputs) =>
      ort.InferenceSession.create(graph, {
        ...options.sessionOptions,
        ...(executionProviders && { executionProviders }),
        ...(extra && { extra }),
        ...(gpuResident && gpuOutputs && !executionProviders && { preferredOutputLocation: Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer' as const])) }),
        externalData: parts.map((p) => ({ path: p.name, data: p.bytes })),
      });
  const createAnywhere = createOn();
  // Chromium stages each upload in shared memory it keeps for reuse, and ORT uploads a session's
  // initializers as it is created: waiting for the GPU to take them bounds what is staged at once.
  const create: SessionFactory = async (graph, parts, gpuOutputs) => {
    const session = await createAnywhere(graph, parts, gpuOutputs);
    if (onGpu) await (await ort.env.webgpu.device).queue.onSubmittedWorkDone();
    return session;
  };
  const residentCount = plan.segments.filter((s) => s.resident).length;
  const total = residentCount + 2;
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);

  const segmentLayers = Math.max(...plan.segments.map((s) => s.layerCount));
  const largestSegment = segmentLayers * source.layerBytes(0); // as read, before widening
  // The base part (the embedding table, usually larger than a segment) is read into a buffer of its
  // own, freed once the embedding and head sessions hold what they need; the segments share another.
  const padding = 64 * 16;
  const baseArena = new Arena(source.baseBytes() + padding);
  const base = await source.readBase(baseArena);
  const baseWeights = readBasePart(base, config, source.format);
  // The lookup reads a few rows: a table larger than the GPU binds at once stays on the CPU.
  const maxBindingBytes = options.device?.maxStorageBufferBindingSize ?? Infinity;
  const tableBytes = baseWeights.embedTokens.kind === 'quantized' ? baseWeights.embedTokens.matrix.data.byteLength : baseWeights.embedTokens.data.byteLength;
  const embedOnCpu = tableBytes > maxBindingBytes;
  // The staging memory Chromium keeps is sized by the largest upload: no initializer above GPU_UPLOAD_BYTES.
  const uploadBytes = onGpu ? Math.min(maxBindingBytes, GPU_UPLOAD_BYTES) : maxBindingBytes;
  const embedSession = await (embedOnCpu ? createOn(['wasm']) : create)(buildEmbeddingGraph(config, baseWeights.embedTokens, [base], embedOnCpu ? Infinity : uploadBytes), [base], [io.HIDDEN_STATES]);
  progress();
  // Tied quantized embeddings: lm_head reads the very bytes the lookup gathers from.
  const lmHead = baseWeights.lmHead ?? (baseWeights.embedTokens.kind === 'quantized' ? baseWeights.embedTokens : null);
  if (!lmHead) throw new Error(`part ${base.name}: lm_head.weight is missing`);
  const headFiles: ExternalFile[] = [base];
  // int8 conversions are written into buffers of their own, freed (or reused) as soon as ORT has copied them.
  const headInt8 = new Arena(int8.head ? config.vocabSize * config.hiddenSize + padding : 0);
  const headWeight = int8.head ? externalInt8(lmHead, { outliers: outlierChannels(baseWeights.norm) }, 'lm_head.int8', headFiles, headInt8) : floatWeights ? externalWidened(lmHead, 'lm_head.f32', headFiles) : lmHead;
  const headSession = await create(buildHeadGraph(config, baseWeights.norm, headWeight, headFiles, uploadBytes), headFiles);
  headInt8.release();
  progress();

  const sessions: (Ort.InferenceSession | null)[] = [];
  // The int8 layers are the first ones: a segment holds at most this many of them.
  const largestConverted = Math.min(int8Layers, segmentLayers) * estimateLayerBytes(config, 'int8');
  const kernels: CpuKernels = { floatWeights, int8Layers, converted: new Arena(largestConverted + 4 * padding) };
  baseArena.release();
  let arena: Arena | null = new Arena(largestSegment + padding);
  for (const segment of plan.segments) {
    sessions.push(segment.resident ? await createSegmentSession(source, segment, attention, maxSequenceLength, create, arena, kernels) : null);
    if (segment.resident) progress();
  }
  // Only a streaming model keeps the arena, to read its streamed segments into on every pass.
  if (!plan.streaming) {
    arena.release();
    kernels.converted.release();
    arena = null;
  }
  const loadStreamed = (segment: Segment) => createSegmentSession(source, segment, attention, maxSequenceLength, create, arena!, kernels);
  // The sessions exist now, and with them the GPU device ORT runs on.
  const kvCache = kvInPlace && attention === 'gqa' ? new GpuKvCache(ort, await ort.env.webgpu.device, config, maxSequenceLength) : null;
  return new GlmModel(ort, config, attention, maxSequenceLength, plan, embedSession, sessions, headSession, loadStreamed, floatWeights, { head: int8.head, layers: int8Layers }, kvCache, { check: attentionCheck, passTokens });
}

/** Layer and base bytes once q4/q8 linear layers are widened to f32 (the quantized table stays for the lookup). */
function widenedSizes(source: ModelSource): { layerBytes: number; baseBytes: number } {
  const c = source.config;
  return { layerBytes: estimateLayerBytes(c, 'f32'), baseBytes: source.baseBytes() + linearBytes(c.vocabSize, c.hiddenSize, 'f32') };
}

/** ORT-created GPU tensors hold their buffer until disposed. */
function releaseIfGpu(tensor: Ort.Tensor | undefined): void {
  if (tensor?.location === 'gpu-buffer') tensor.dispose();
}

/**
 * What generation and the engine use of a loaded model, whichever runs it: onnxruntime's sessions
 * (GlmModel) or GLM Pocket's CPU kernels (cpu/model.ts).
 */
export interface CausalModel {
  readonly config: GlmConfig;
  readonly maxSequenceLength: number;
  /** Tokens already in the KV cache. */
  readonly cachedTokens: number;
  /** The ids of those tokens, in order. */
  readonly cachedSequence: readonly number[];
  /** Forgets the cached sequence. */
  reset(): void;
  /** Keeps the longest start of the cache that `ids` begins with (at most ids.length - 1 tokens); returns its length. */
  keepPrefix(ids: readonly number[]): number;
  /** Appends tokens to the cache; logits [rows, vocab] of every new token with allPositions, else of the last. */
  forward(ids: readonly number[], allPositions?: boolean): Promise<Float32Array>;
  release(): Promise<void>;
}

export class ContextOverflowError extends Error {
  constructor(needed: number, limit: number) {
    super(`the sequence needs ${needed} positions but the model was loaded for ${limit}`);
    this.name = 'ContextOverflowError';
  }
}

export class GlmModel implements CausalModel {
  private past: Ort.Tensor[] = [];
  /** The token ids whose keys and values the cache holds, in order (its length is the past length). */
  private cachedIds: number[] = [];

  constructor(
    private readonly ort: OrtModule,
    readonly config: GlmConfig,
    readonly attention: AttentionKind,
    readonly maxSequenceLength: number,
    readonly plan: SegmentPlan,
    private readonly embedSession: Ort.InferenceSession,
    /** null for a streamed segment. */
    private readonly segmentSessions: (Ort.InferenceSession | null)[],
    private readonly headSession: Ort.InferenceSession,
    private readonly loadStreamed: (segment: Segment) => Promise<Ort.InferenceSession>,
    /** Quantized linear layers run as f32 (floatWeightsOnCpu). */
    readonly floatWeights = false,
    /** lm_head and the first `layers` decoder layers run on the int8 kernels. */
    readonly int8: Int8Plan = NO_INT8,
    /** WebGPU + GQA: the cache GQA writes in place; otherwise each step's present tensors become the past. */
    private readonly kvCache: GpuKvCache | null = null,
    /** The GPU attention check, and the most new tokens one pass takes (forward() splits longer runs). */
    private readonly attentionSupport: { check: AttentionCheck; passTokens: number } = { check: 'not-run', passTokens: Infinity },
  ) {
    this.reset();
  }

  get segments(): Segment[] {
    return this.plan.segments;
  }

  get attentionCheck(): AttentionCheck {
    return this.attentionSupport.check;
  }

  /** Most new tokens per pass through the layers. */
  get passTokens(): number {
    return this.attentionSupport.passTokens;
  }

  /** The KV cache is updated in place in GPU buffers (kvInPlace). */
  get kvInPlace(): boolean {
    return this.kvCache !== null;
  }

  /** Tokens already in the KV cache. */
  get cachedTokens(): number {
    return this.cachedIds.length;
  }

  /** The ids of those tokens, in order. */
  get cachedSequence(): readonly number[] {
    return this.cachedIds;
  }

  /** Forgets the cached sequence. */
  reset(): void {
    this.past?.forEach(releaseIfGpu);
    const { numKvHeads, headDim, numLayers } = this.config;
    const empty = new this.ort.Tensor('float32', new Float32Array(0), [1, numKvHeads, 0, headDim]);
    this.past = Array.from({ length: 2 * numLayers }, () => empty);
    this.cachedIds = [];
  }

  /**
   * Keeps the longest start of the cached sequence that `ids` begins with, at most ids.length - 1
   * tokens (so at least one token is left to run for its logits), and forgets the rest. Returns
   * how many tokens were kept: a chat's next prompt repeats the conversation so far, and only the
   * tokens after the kept ones need a forward pass.
   */
  keepPrefix(ids: readonly number[]): number {
    if (ids.length === 0) throw new RangeError('a prompt needs at least one token');
    const kept = Math.min(commonPrefixLength(this.cachedIds, ids), ids.length - 1);
    if (kept === this.cachedIds.length) return kept;
    // The in-place GPU cache and CPU tensors can be cut short; ORT's GPU tensors of a growing cache cannot.
    if (kept === 0 || (!this.kvCache && this.past.some((t) => t.location !== 'cpu'))) {
      this.reset();
      return 0;
    }
    if (!this.kvCache) {
      // CPU tensors [1, kv_heads, P, D]: each head's first positions.
      this.past = this.past.map((t) => {
        const [, heads, length, headDim] = t.dims;
        return new this.ort.Tensor('float32', firstPositions(t.data as Float32Array, [heads, length, headDim], kept), [1, heads, kept, headDim]);
      });
    }
    this.cachedIds.length = kept;
    return kept;
  }

  /**
   * Appends tokens to the cached sequence and returns logits [rows, vocab] row-major: one row per
   * new token with allPositions, else only the last token's row. All new tokens go through each
   * segment before the next (in passes of passTokens where the GPU's attention needs short ones,
   * each segment running all of them in turn), so a streamed segment is read once per call.
   */
  async forward(ids: readonly number[], allPositions = false): Promise<Float32Array> {
    if (ids.length === 0) throw new RangeError('forward needs at least one token');
    const T = this.cachedIds.length + ids.length;
    if (T > this.maxSequenceLength) throw new ContextOverflowError(T, this.maxSequenceLength);
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= this.config.vocabSize);
    if (bad !== undefined) throw new RangeError(`token id ${bad} is outside the vocabulary (0..${this.config.vocabSize - 1})`);
    try {
      return await this.run(ids, allPositions);
    } catch (error) {
      this.reset(); // a pass that failed part way leaves no half-written cache behind
      throw error;
    }
  }

  /** forward() once its input is checked: embedding, the segments (each over every pass), the head. */
  private async run(ids: readonly number[], allPositions: boolean): Promise<Float32Array> {
    const P = this.cachedIds.length;
    const { Tensor } = this.ort;
    const passes: { first: number; count: number; hidden: Ort.Tensor }[] = [];
    for (let first = 0; first < ids.length; first += this.passTokens) {
      const chunk = ids.slice(first, first + this.passTokens);
      const inputIds = new Tensor('int64', BigInt64Array.from(chunk, BigInt), [1, chunk.length]);
      passes.push({ first, count: chunk.length, hidden: (await this.embedSession.run({ [io.INPUT_IDS]: inputIds }))[io.HIDDEN_STATES] });
    }
    const kv = this.kvCache;
    await kv?.reserve(P + ids.length, P);

    for (const [index, segment] of this.plan.segments.entries()) {
      const session = this.segmentSessions[index] ?? (await this.loadStreamed(segment));
      for (const pass of passes) pass.hidden = await this.runSegment(session, segment, pass.hidden, this.positionFeeds(P + pass.first, pass.count));
      if (!segment.resident) await session.release();
    }
    this.cachedIds.push(...ids);

    // lm_head on every row of every pass, or on the last row of the last one.
    const rows: Float32Array[] = [];
    for (const [i, pass] of passes.entries()) {
      const wanted = allPositions || i === passes.length - 1;
      if (wanted) {
        const start = new Tensor('int64', BigInt64Array.of(BigInt(allPositions ? 0 : pass.count - 1)), [1]);
        rows.push((await this.headSession.run({ [io.HIDDEN_STATES]: pass.hidden, [io.LOGITS_START]: start }))[io.LOGITS].data as Float32Array);
      }
      releaseIfGpu(pass.hidden);
    }
    return rows.length === 1 ? rows[0] : concatArrays(rows, (n) => new Float32Array(n));
  }

  /** One segment's layers over one pass's hidden states; the KV cache of those layers takes the pass's positions. */
  private async runSegment(session: Ort.InferenceSession, segment: Segment, hidden: Ort.Tensor, positionFeeds: Record<string, Ort.Tensor>): Promise<Ort.Tensor> {
    const kv = this.kvCache;
    const { firstLayer, layerCount } = segment;
    const feeds: Record<string, Ort.Tensor> = { [io.HIDDEN_STATES]: hidden, ...positionFeeds };
    // In place: each present output is bound to the buffer its past is read from.
    const fetches: Record<string, Ort.Tensor | null> = { [io.HIDDEN_STATES_OUT]: null };
    for (let layer = firstLayer; layer < firstLayer + layerCount; layer++) {
      feeds[io.pastKey(layer)] = kv ? kv.key(layer) : this.past[2 * layer];
      feeds[io.pastValue(layer)] = kv ? kv.value(layer) : this.past[2 * layer + 1];
      if (kv) {
        fetches[io.presentKey(layer)] = kv.key(layer);
        fetches[io.presentValue(layer)] = kv.value(layer);
      }
    }
    const out = await (kv ? session.run(feeds, fetches) : session.run(feeds));
    // GPU-resident tensors this run consumed are freed once their successors exist.
    releaseIfGpu(hidden);
    if (!kv) {
      for (let layer = firstLayer; layer < firstLayer + layerCount; layer++) {
        releaseIfGpu(this.past[2 * layer]);
        releaseIfGpu(this.past[2 * layer + 1]);
        this.past[2 * layer] = out[io.presentKey(layer)];
        this.past[2 * layer + 1] = out[io.presentValue(layer)];
      }
    }
    return out[io.HIDDEN_STATES_OUT];
  }

  private positionFeeds(past: number, count: number): Record<string, Ort.Tensor> {
    const { Tensor } = this.ort;
    const total = past + count;
    if (this.attention === 'gqa') {
      return {
        [io.SEQLENS_K]: new Tensor('int32', Int32Array.of(total - 1), [1]),
        [io.TOTAL_SEQUENCE_LENGTH]: new Tensor('int32', Int32Array.of(total), []),
      };
    }
    const positions = BigInt64Array.from({ length: count }, (_, i) => BigInt(past + i));
    const bias = new Float32Array(count * total);
    for (let i = 0; i < count; i++) bias.fill(-Infinity, i * total + past + i + 1, (i + 1) * total);
    return {
      [io.POSITION_IDS]: new Tensor('int64', positions, [count]),
      [io.ATTENTION_BIAS]: new Tensor('float32', bias, [1, 1, count, total]),
    };
  }

  async release(): Promise<void> {
    this.past.forEach(releaseIfGpu);
    this.past = [];
    this.kvCache?.release();
    const sessions = [this.embedSession, ...this.segmentSessions, this.headSession].filter((s): s is Ort.InferenceSession => s !== null);
    await Promise.all(sessions.map((s) => s.release()));
  }
}
