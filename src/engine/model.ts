// A loaded GLM model: one InferenceSession for the embedding, one per segment of layers, one for
// the head, and the KV cache of the sequence being generated. Loading builds and creates the
// sessions segment by segment, so only one segment's weights are held in JS at a time.
import type * as Ort from 'onnxruntime-web';
import { readTensor, type Checkpoint } from './checkpoint';
import type { GlmConfig } from './config';
import { buildEmbeddingGraph, buildHeadGraph, buildSegmentGraph, defaultAttentionKind, type AttentionKind, type LayerWeights } from './graphs';
import * as io from './io-names';
import { concatRows, prepareEmbedding, prepareLinear, type LinearWeight, type WeightFormat } from './weights';

export type OrtModule = typeof Ort;

export interface LoadOptions {
  ort: OrtModule;
  format: WeightFormat;
  /** Decoder layers per InferenceSession; defaults to all layers in one. */
  segmentSize?: number;
  /** Defaults to GQA where the shape allows it. */
  attention?: AttentionKind;
  /** Longest sequence (prompt + reply) the KV cache and rotary tables cover. */
  maxSequenceLength?: number;
  sessionOptions?: Ort.InferenceSession.SessionOptions;
  onProgress?: (done: number, total: number) => void;
}

export interface Segment {
  firstLayer: number;
  layerCount: number;
}

/** Splits the layers into consecutive segments of at most segmentSize layers. */
export function planSegments(numLayers: number, segmentSize: number): Segment[] {
  if (!Number.isInteger(segmentSize) || segmentSize < 1) throw new RangeError(`segment size must be a positive integer, got ${segmentSize}`);
  const segments: Segment[] = [];
  for (let first = 0; first < numLayers; first += segmentSize) segments.push({ firstLayer: first, layerCount: Math.min(segmentSize, numLayers - first) });
  return segments;
}

async function layerWeights(checkpoint: Checkpoint, layer: number, format: WeightFormat): Promise<LayerWeights> {
  const c = checkpoint.config;
  const p = `model.layers.${layer}.`;
  const t = (name: string) => readTensor(checkpoint, p + name);
  const qkvOut = (c.numHeads + 2 * c.numKvHeads) * c.headDim;
  const qkv = concatRows([await t('self_attn.q_proj.weight'), await t('self_attn.k_proj.weight'), await t('self_attn.v_proj.weight')]);
  const qkvBias = c.attentionBias ? concatRows([await t('self_attn.q_proj.bias'), await t('self_attn.k_proj.bias'), await t('self_attn.v_proj.bias')]) : null;
  return {
    inputLayernorm: await t('input_layernorm.weight'),
    qkvProj: prepareLinear(qkv, qkvOut, c.hiddenSize, format),
    qkvBias,
    oProj: prepareLinear(await t('self_attn.o_proj.weight'), c.hiddenSize, c.numHeads * c.headDim, format),
    postAttentionLayernorm: await t('post_attention_layernorm.weight'),
    gateUpProj: prepareLinear(await t('mlp.gate_up_proj.weight'), 2 * c.intermediateSize, c.hiddenSize, format),
    downProj: prepareLinear(await t('mlp.down_proj.weight'), c.hiddenSize, c.intermediateSize, format),
  };
}

/** Builds every graph from the checkpoint and creates its sessions, one segment at a time. */
export async function loadGlmModel(checkpoint: Checkpoint, options: LoadOptions): Promise<GlmModel> {
  const { ort, format } = options;
  const config = checkpoint.config;
  const attention = options.attention ?? defaultAttentionKind(config);
  const maxSequenceLength = options.maxSequenceLength ?? Math.min(config.maxPositionEmbeddings, 4096);
  const segments = planSegments(config.numLayers, options.segmentSize ?? config.numLayers);
  const create = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, options.sessionOptions);
  const total = segments.length + 2;
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);

  const embedTable = await readTensor(checkpoint, 'model.embed_tokens.weight');
  const embedding = prepareEmbedding(embedTable, config.vocabSize, config.hiddenSize, format);
  const embedSession = await create(buildEmbeddingGraph(config, embedding));
  progress();

  // Tied quantized embeddings: lm_head reads the very bytes the lookup gathers from.
  let lmHead: LinearWeight;
  if (config.tieWordEmbeddings && embedding.kind === 'quantized') lmHead = { kind: 'quantized', matrix: embedding.matrix };
  else {
    const weight = config.tieWordEmbeddings ? embedTable : await readTensor(checkpoint, 'lm_head.weight');
    lmHead = prepareLinear(weight, config.vocabSize, config.hiddenSize, format);
  }
  const headSession = await create(buildHeadGraph(config, await readTensor(checkpoint, 'model.norm.weight'), lmHead));
  progress();

  const segmentSessions: Ort.InferenceSession[] = [];
  for (const segment of segments) {
    const weights: LayerWeights[] = [];
    for (let i = 0; i < segment.layerCount; i++) weights.push(await layerWeights(checkpoint, segment.firstLayer + i, format));
    segmentSessions.push(await create(buildSegmentGraph(config, segment.firstLayer, weights, attention, maxSequenceLength)));
    progress();
  }
  return new GlmModel(ort, config, attention, maxSequenceLength, segments, embedSession, segmentSessions, headSession);
}

export class ContextOverflowError extends Error {
  constructor(needed: number, limit: number) {
    super(`the sequence needs ${needed} positions but the model was loaded for ${limit}`);
    this.name = 'ContextOverflowError';
  }
}

export class GlmModel {
  private past: Ort.Tensor[] = [];
  private pastLength = 0;

  constructor(
    private readonly ort: OrtModule,
    readonly config: GlmConfig,
    readonly attention: AttentionKind,
    readonly maxSequenceLength: number,
    readonly segments: Segment[],
    private readonly embedSession: Ort.InferenceSession,
    private readonly segmentSessions: Ort.InferenceSession[],
    private readonly headSession: Ort.InferenceSession,
  ) {
    this.reset();
  }

  /** Tokens already in the KV cache. */
  get cachedTokens(): number {
    return this.pastLength;
  }

  /** Forgets the cached sequence. */
  reset(): void {
    const { numKvHeads, headDim, numLayers } = this.config;
    const empty = new this.ort.Tensor('float32', new Float32Array(0), [1, numKvHeads, 0, headDim]);
    this.past = Array.from({ length: 2 * numLayers }, () => empty);
    this.pastLength = 0;
  }

  /**
   * Appends tokens to the cached sequence and returns logits [rows, vocab] row-major: one row per
   * new token with allPositions, else only the last token's row.
   */
  async forward(ids: readonly number[], allPositions = false): Promise<Float32Array> {
    if (ids.length === 0) throw new RangeError('forward needs at least one token');
    const S = ids.length;
    const P = this.pastLength;
    const T = P + S;
    if (T > this.maxSequenceLength) throw new ContextOverflowError(T, this.maxSequenceLength);
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= this.config.vocabSize);
    if (bad !== undefined) throw new RangeError(`token id ${bad} is outside the vocabulary (0..${this.config.vocabSize - 1})`);

    const { Tensor } = this.ort;
    const inputIds = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]);
    let hidden = (await this.embedSession.run({ [io.INPUT_IDS]: inputIds }))[io.HIDDEN_STATES];
    const positionFeeds = this.positionFeeds(P, S);

    for (const [index, session] of this.segmentSessions.entries()) {
      const { firstLayer, layerCount } = this.segments[index];
      const feeds: Record<string, Ort.Tensor> = { [io.HIDDEN_STATES]: hidden, ...positionFeeds };
      for (let layer = firstLayer; layer < firstLayer + layerCount; layer++) {
        feeds[io.pastKey(layer)] = this.past[2 * layer];
        feeds[io.pastValue(layer)] = this.past[2 * layer + 1];
      }
      const out = await session.run(feeds);
      for (let layer = firstLayer; layer < firstLayer + layerCount; layer++) {
        this.past[2 * layer] = out[io.presentKey(layer)];
        this.past[2 * layer + 1] = out[io.presentValue(layer)];
      }
      hidden = out[io.HIDDEN_STATES_OUT];
    }
    this.pastLength = T;

    const start = new Tensor('int64', BigInt64Array.of(BigInt(allPositions ? 0 : S - 1)), [1]);
    const logits = (await this.headSession.run({ [io.HIDDEN_STATES]: hidden, [io.LOGITS_START]: start }))[io.LOGITS];
    return logits.data as Float32Array;
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
    await Promise.all([this.embedSession, ...this.segmentSessions, this.headSession].map((s) => s.release()));
  }
}
