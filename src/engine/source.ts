// Where a loaded model's weights come from: a Hugging Face checkpoint (converted part by part on
// the fly) or a pack (parts stored ready in kernel layout). The loader reads only through this.
import type { Arena } from './arena';
import { readTensor, type Checkpoint } from './checkpoint';
import type { GlmConfig } from './config';
import type { LayerWeights } from './graphs';
import { basePart, layerPart, type Part } from './parts';
import { concatRows, prepareEmbedding, prepareLinear, type LinearWeight, type WeightFormat } from './weights';

export interface ModelSource {
  readonly config: GlmConfig;
  readonly format: WeightFormat;
  readonly tokenizerJson: unknown;
  readonly tokenizerConfig: Record<string, unknown>;
  /** Embedding, final norm and lm_head; read into the arena when one is given. */
  readBase(arena?: Arena): Promise<Part>;
  readLayer(layer: number, arena?: Arena): Promise<Part>;
  /** Byte size of each layer part, known before reading (for the segment plan). */
  layerBytes(layer: number): number;
  baseBytes(): number;
}

async function layerWeights(checkpoint: Checkpoint, layer: number, format: WeightFormat): Promise<LayerWeights> {
  const c = checkpoint.config;
  const p = `model.layers.${layer}.`;
  const t = (name: string) => readTensor(checkpoint, p + name);
  const qkvRows = (c.numHeads + 2 * c.numKvHeads) * c.headDim;
  const qkv = concatRows([await t('self_attn.q_proj.weight'), await t('self_attn.k_proj.weight'), await t('self_attn.v_proj.weight')]);
  const qkvBias = c.attentionBias ? concatRows([await t('self_attn.q_proj.bias'), await t('self_attn.k_proj.bias'), await t('self_attn.v_proj.bias')]) : null;
  return {
    inputLayernorm: await t('input_layernorm.weight'),
    qkvProj: prepareLinear(qkv, qkvRows, c.hiddenSize, format),
    qkvBias,
    oProj: prepareLinear(await t('self_attn.o_proj.weight'), c.hiddenSize, c.numHeads * c.headDim, format),
    postAttentionLayernorm: await t('post_attention_layernorm.weight'),
    gateUpProj: prepareLinear(await t('mlp.gate_up_proj.weight'), 2 * c.intermediateSize, c.hiddenSize, format),
    downProj: prepareLinear(await t('mlp.down_proj.weight'), c.hiddenSize, c.intermediateSize, format),
  };
}

/** Bytes a [n, k] linear weight takes in a format's kernel layout. */
export function linearBytes(n: number, k: number, format: WeightFormat): number {
  const blocks = Math.ceil(k / 32);
  switch (format) {
    case 'f32':
      return 4 * n * k;
    case 'f16':
      return 2 * n * k;
    case 'q8':
      return n * blocks * (32 + 4);
    case 'q4':
      return n * blocks * (16 + 4);
  }
}

/** Bytes of one decoder layer's part (weights, scales, norms and biases), from the config alone. */
export function estimateLayerBytes(c: GlmConfig, format: WeightFormat): number {
  const qkvRows = (c.numHeads + 2 * c.numKvHeads) * c.headDim;
  return (
    linearBytes(qkvRows, c.hiddenSize, format) +
    linearBytes(c.hiddenSize, c.numHeads * c.headDim, format) +
    linearBytes(2 * c.intermediateSize, c.hiddenSize, format) +
    linearBytes(c.hiddenSize, c.intermediateSize, format) +
    4 * (2 * c.hiddenSize + (c.attentionBias ? qkvRows : 0))
  );
}

/** The largest single matrix of a layer (what one GPU buffer binding must hold for it). */
export function largestLayerMatrixBytes(c: GlmConfig, format: WeightFormat): number {
  const qkvRows = (c.numHeads + 2 * c.numKvHeads) * c.headDim;
  return Math.max(linearBytes(2 * c.intermediateSize, c.hiddenSize, format), linearBytes(c.hiddenSize, c.intermediateSize, format), linearBytes(qkvRows, c.hiddenSize, format));
}

/** Bytes of the base part: embedding table, final norm, and lm_head unless it reads the quantized table. */
export function estimateBaseBytes(c: GlmConfig, format: WeightFormat): number {
  const table = linearBytes(c.vocabSize, c.hiddenSize, format);
  const sharesTable = c.tieWordEmbeddings && (format === 'q4' || format === 'q8');
  return table + 4 * c.hiddenSize + (sharesTable ? 0 : table);
}

/** Converts a checkpoint's tensors into parts as they are asked for: one layer's tensors at a time. */
export function checkpointSource(checkpoint: Checkpoint, format: WeightFormat): ModelSource {
  const config = checkpoint.config;
  return {
    config,
    format,
    tokenizerJson: checkpoint.tokenizerJson,
    tokenizerConfig: checkpoint.tokenizerConfig,
    async readBase(arena) {
      const table = await readTensor(checkpoint, 'model.embed_tokens.weight');
      const embedTokens = prepareEmbedding(table, config.vocabSize, config.hiddenSize, format);
      let lmHead: LinearWeight | null = null;
      if (!(config.tieWordEmbeddings && embedTokens.kind === 'quantized')) {
        const weight = config.tieWordEmbeddings ? table : await readTensor(checkpoint, 'lm_head.weight');
        lmHead = prepareLinear(weight, config.vocabSize, config.hiddenSize, format);
      }
      return basePart({ embedTokens, norm: await readTensor(checkpoint, 'model.norm.weight'), lmHead }, arena);
    },
    async readLayer(layer, arena) {
      return layerPart(layer, await layerWeights(checkpoint, layer, format), arena);
    },
    layerBytes: () => estimateLayerBytes(config, format),
    baseBytes: () => estimateBaseBytes(config, format),
  };
}
