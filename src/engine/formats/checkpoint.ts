// A Hugging Face GLM checkpoint: config, tokenizer files and a validated index of every tensor.
// Opening it reads only JSON and safetensors headers; tensors are read one at a time on demand.
import { attentionWidths, parseGlmConfig, withGenerationConfig, type GlmConfig } from './config';
import { CheckpointError } from '../errors';
import { isPlainFileName, readText, type CheckpointFiles } from '../io/files';
import { readSafetensorsHeader, readTensorF32, readTensorRowsF32, type TensorEntry } from './safetensors';

/** What any checkpoint carries besides its tensors (safetensors here, GGUF in gguf.ts). */
export interface CheckpointMeta {
  files: CheckpointFiles;
  config: GlmConfig;
  /** config.json and generation_config.json as found (or rebuilt), carried into packs. */
  rawConfig: Record<string, unknown>;
  rawGenerationConfig: Record<string, unknown> | null;
  tokenizerJson: unknown;
  tokenizerConfig: Record<string, unknown>;
}

export interface Checkpoint extends CheckpointMeta {
  tensors: Map<string, TensorEntry>;
}

async function readJson(files: CheckpointFiles, name: string, required: true): Promise<unknown>;
async function readJson(files: CheckpointFiles, name: string, required: false): Promise<unknown | null>;
async function readJson(files: CheckpointFiles, name: string, required: boolean): Promise<unknown | null> {
  const text = await readText(files, name);
  if (text === null) {
    if (required) throw new CheckpointError(name, `not found in ${files.label}`);
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    const start = text.trimStart().slice(0, 15).toLowerCase();
    const hint = start.startsWith('<!doctype') || start.startsWith('<html') ? ' (it is an HTML page, not the file)' : '';
    throw new CheckpointError(name, `is not valid JSON${hint}`);
  }
}

const INDEX_FILE = 'model.safetensors.index.json';

/**
 * Which safetensors file holds each tensor: the index's weight_map (each file a plain name in the
 * checkpoint's folder), or null for a single model.safetensors.
 */
async function readWeightMap(files: CheckpointFiles): Promise<Map<string, string> | null> {
  const index = (await readJson(files, INDEX_FILE, false)) as { weight_map?: unknown } | null;
  if (index === null) {
    if ((await files.size('model.safetensors')) === null) {
      throw new CheckpointError('model.safetensors', `not found in ${files.label} (nor ${INDEX_FILE} for a sharded checkpoint)`);
    }
    return null;
  }
  if (typeof index.weight_map !== 'object' || index.weight_map === null || Array.isArray(index.weight_map)) throw new CheckpointError(INDEX_FILE, 'has no "weight_map"');
  const weightMap = new Map<string, string>();
  for (const [tensor, file] of Object.entries(index.weight_map)) {
    if (!isPlainFileName(file)) {
      throw new CheckpointError(INDEX_FILE, `weight_map["${tensor}"] is ${JSON.stringify(file)}: it must be the name of a file in the checkpoint's folder (no "/", "\\", ".." or "%")`);
    }
    weightMap.set(tensor, file);
  }
  return weightMap;
}

/** Every tensor of the checkpoint's safetensors files, each found once, in the file the index names. */
async function readTensorEntries(files: CheckpointFiles): Promise<Map<string, TensorEntry>> {
  const weightMap = await readWeightMap(files);
  const tensors = new Map<string, TensorEntry>();
  for (const file of weightMap ? [...new Set(weightMap.values())].sort() : ['model.safetensors']) {
    for (const entry of await readSafetensorsHeader(files, file)) {
      const other = tensors.get(entry.name);
      if (other) throw new CheckpointError(file, `tensor ${entry.name} is also in ${other.file}: a tensor must be in one file only`);
      const listed = weightMap?.get(entry.name);
      if (listed !== undefined && listed !== file) throw new CheckpointError(file, `holds tensor ${entry.name}, which ${INDEX_FILE} places in ${listed}`);
      // A tensor the index does not list is not part of the model the index describes.
      if (weightMap && listed === undefined) continue;
      tensors.set(entry.name, entry);
    }
  }
  for (const [name, file] of weightMap ?? []) {
    if (!tensors.has(name)) throw new CheckpointError(file, `does not hold tensor ${name}, which ${INDEX_FILE} places there`);
  }
  return tensors;
}

/** The tensors a GLM checkpoint must hold, with the shapes its config implies. */
export function expectedTensorShapes(config: GlmConfig): Map<string, number[]> {
  const { hiddenSize: h, intermediateSize, vocabSize } = config;
  const { q, kv } = attentionWidths(config);
  const shapes = new Map<string, number[]>([['model.embed_tokens.weight', [vocabSize, h]], ['model.norm.weight', [h]]]);
  if (!config.tieWordEmbeddings) shapes.set('lm_head.weight', [vocabSize, h]);
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}.`;
    shapes.set(`${p}input_layernorm.weight`, [h]);
    shapes.set(`${p}post_attention_layernorm.weight`, [h]);
    shapes.set(`${p}self_attn.q_proj.weight`, [q, h]);
    shapes.set(`${p}self_attn.k_proj.weight`, [kv, h]);
    shapes.set(`${p}self_attn.v_proj.weight`, [kv, h]);
    shapes.set(`${p}self_attn.o_proj.weight`, [h, q]);
    if (config.attentionBias) {
      shapes.set(`${p}self_attn.q_proj.bias`, [q]);
      shapes.set(`${p}self_attn.k_proj.bias`, [kv]);
      shapes.set(`${p}self_attn.v_proj.bias`, [kv]);
    }
    shapes.set(`${p}mlp.gate_up_proj.weight`, [2 * intermediateSize, h]);
    shapes.set(`${p}mlp.down_proj.weight`, [h, intermediateSize]);
  }
  return shapes;
}

/** Opens and validates a checkpoint: every tensor the config needs exists with the right shape. */
export async function openCheckpoint(files: CheckpointFiles): Promise<Checkpoint> {
  const rawConfig = (await readJson(files, 'config.json', true)) as Record<string, unknown>;
  const rawGenerationConfig = (await readJson(files, 'generation_config.json', false)) as Record<string, unknown> | null;
  const config = withGenerationConfig(parseGlmConfig(rawConfig), rawGenerationConfig);
  const tokenizerJson = await readJson(files, 'tokenizer.json', true);
  const tokenizerConfig = ((await readJson(files, 'tokenizer_config.json', false)) ?? {}) as Record<string, unknown>;

  const tensors = await readTensorEntries(files);
  for (const [name, shape] of expectedTensorShapes(config)) {
    const entry = tensors.get(name);
    if (!entry) throw new CheckpointError(files.label, `tensor ${name} is missing`);
    if (entry.shape.join() !== shape.join()) {
      throw new CheckpointError(entry.file, `tensor ${name} has shape [${entry.shape}], config.json implies [${shape}]`);
    }
  }
  return { files, config, rawConfig, rawGenerationConfig, tokenizerJson, tokenizerConfig, tensors };
}

/** Reads one tensor as float32, or with `rows` only those rows (the checkpoint was validated when opened). */
export function readTensor(checkpoint: Checkpoint, name: string, rows?: { first: number; count: number }): Promise<Float32Array> {
  const entry = checkpoint.tensors.get(name);
  if (!entry) throw new CheckpointError(checkpoint.files.label, `tensor ${name} is missing`);
  return rows ? readTensorRowsF32(checkpoint.files, entry, rows.first, rows.count) : readTensorF32(checkpoint.files, entry);
}
