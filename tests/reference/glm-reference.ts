// A plain, obviously-correct GLM forward pass in float64 loops, written from the transformers
// modeling code and independent of the graph builder: the yardstick the engine's logits are checked against.
import { readTensor, type Checkpoint } from '../../src/engine/formats/checkpoint';
import type { GlmConfig } from '../../src/engine/formats/config';

/** Maps a 2-D weight [rows, cols] to what the engine stores for it (e.g. quantize then dequantize). */
export type WeightTransform = (weight: Float32Array, rows: number, cols: number) => Float32Array;

export type ReferenceWeights = Map<string, Float64Array>;

export async function loadReferenceWeights(checkpoint: Checkpoint, transform?: WeightTransform): Promise<ReferenceWeights> {
  const weights: ReferenceWeights = new Map();
  for (const [name, entry] of checkpoint.tensors) {
    let w = await readTensor(checkpoint, name);
    if (transform && entry.shape.length === 2) w = transform(w, entry.shape[0], entry.shape[1]);
    weights.set(name, Float64Array.from(w));
  }
  return weights;
}

function matVec(w: Float64Array, rows: number, cols: number, x: Float64Array, bias?: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = bias ? bias[r] : 0;
    for (let c = 0; c < cols; c++) sum += w[r * cols + c] * x[c];
    out[r] = sum;
  }
  return out;
}

function rmsNorm(x: Float64Array, weight: Float64Array, eps: number): Float64Array {
  let meanSquare = 0;
  for (const v of x) meanSquare += v * v;
  meanSquare /= x.length;
  const scale = 1 / Math.sqrt(meanSquare + eps);
  return x.map((v, i) => v * scale * weight[i]);
}

/** Rotates pairs (x[2i], x[2i+1]) of the first rotaryDim dims of one head, in place. */
function rotate(head: Float64Array, position: number, config: GlmConfig): void {
  for (let i = 0; i < config.rotaryDim / 2; i++) {
    const angle = position * config.ropeTheta ** ((-2 * i) / config.rotaryDim);
    const [a, b] = [head[2 * i], head[2 * i + 1]];
    head[2 * i] = a * Math.cos(angle) - b * Math.sin(angle);
    head[2 * i + 1] = b * Math.cos(angle) + a * Math.sin(angle);
  }
}

/** Logits for every position of ids, recomputing the whole sequence. */
export function referenceLogits(config: GlmConfig, w: ReferenceWeights, ids: number[]): Float64Array[] {
  const { hiddenSize: H, numHeads, numKvHeads, headDim: D, intermediateSize: I, vocabSize: V, rmsNormEps: eps } = config;
  const get = (name: string) => {
    const t = w.get(name);
    if (!t) throw new Error(`reference: missing ${name}`);
    return t;
  };
  const embed = get('model.embed_tokens.weight');
  let x = ids.map((id) => embed.slice(id * H, (id + 1) * H));
  const groups = numHeads / numKvHeads;

  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `model.layers.${layer}.`;
    const bias = (n: string) => (config.attentionBias ? get(`${p}self_attn.${n}.bias`) : undefined);
    const normed = x.map((h) => rmsNorm(h, get(`${p}input_layernorm.weight`), eps));
    const q = normed.map((n) => matVec(get(`${p}self_attn.q_proj.weight`), numHeads * D, H, n, bias('q_proj')));
    const k = normed.map((n) => matVec(get(`${p}self_attn.k_proj.weight`), numKvHeads * D, H, n, bias('k_proj')));
    const v = normed.map((n) => matVec(get(`${p}self_attn.v_proj.weight`), numKvHeads * D, H, n, bias('v_proj')));
    q.forEach((row, t) => {
      for (let h = 0; h < numHeads; h++) rotate(row.subarray(h * D, (h + 1) * D), t, config);
    });
    k.forEach((row, t) => {
      for (let h = 0; h < numKvHeads; h++) rotate(row.subarray(h * D, (h + 1) * D), t, config);
    });

    x = x.map((residual, t) => {
      const context = new Float64Array(numHeads * D);
      for (let h = 0; h < numHeads; h++) {
        const kv = Math.floor(h / groups);
        const scores = Array.from({ length: t + 1 }, (_, s) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[t][h * D + d] * k[s][kv * D + d];
          return dot / Math.sqrt(D);
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= t; s++) for (let d = 0; d < D; d++) context[h * D + d] += (exps[s] / total) * v[s][kv * D + d];
      }
      const attnOut = matVec(get(`${p}self_attn.o_proj.weight`), H, numHeads * D, context);
      const afterAttn = residual.map((r, i) => r + attnOut[i]);
      const n2 = rmsNorm(afterAttn, get(`${p}post_attention_layernorm.weight`), eps);
      const gateUp = matVec(get(`${p}mlp.gate_up_proj.weight`), 2 * I, H, n2);
      const act = new Float64Array(I);
      for (let i = 0; i < I; i++) {
        const gate = gateUp[i];
        act[i] = (gate / (1 + Math.exp(-gate))) * gateUp[I + i];
      }
      const down = matVec(get(`${p}mlp.down_proj.weight`), H, I, act);
      return afterAttn.map((r, i) => r + down[i]);
    });
  }
  const lmHead = config.tieWordEmbeddings ? embed : get('lm_head.weight');
  return x.map((h) => matVec(lmHead, V, H, rmsNorm(h, get('model.norm.weight'), eps)));
}
