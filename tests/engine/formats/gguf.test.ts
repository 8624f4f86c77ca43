// GGUF files (llama.cpp's layout, written by tools/gguf-writer.ts) read into the engine: logits
// against the float64 reference on the values the file stores, every block type, both GLM shapes,
// the tokenizer rebuilt from the metadata, and clear errors for what cannot be read.
import { join } from 'node:path';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../../src/engine/formats/checkpoint';
import { CheckpointError } from '../../../src/engine/errors';
import { openGguf, ggufSource } from '../../../src/engine/formats/gguf';
import { loadGlmModel } from '../../../src/engine/runtime/model';
import { dequantize, quantize } from '../../../src/engine/formats/quant';
import { GlmTokenizer } from '../../../src/engine/generation/tokenizer';
import type { WeightFormat } from '../../../src/engine/formats/weights';
import { encodeTensor, writeGguf, type GgufSpec, type GgufType } from '../../../tools/gguf-writer';
import { folderFiles } from '../../../tools/node-files';
import { ggufBytes, parseGgufBytes, withTensor, type GgufParts } from '../../gguf-edit';
import { fixtureDir, flatten, ort, relativeError } from '../../helpers';
import { loadReferenceWeights, referenceLogits } from '../../reference/glm-reference';

const IDS = [5, 9, 17, 200, 33, 101, 7];

/** The GGUF alone in its folder (no tokenizer.json beside it: everything from its metadata). */
async function ggufFixture(shape: 'glm-edge' | 'glm-4-9b', spec: GgufSpec, seed = 31): Promise<{ dir: string; checkpointDir: string }> {
  const checkpointDir = await fixtureDir({ shape, seed, ...(spec.type.endsWith('_K') ? K_QUANT_SHAPE : {}) });
  const dir = await mkdtemp(join(tmpdir(), 'glm-gguf-'));
  await writeGguf(checkpointDir, join(dir, 'model.gguf'), spec);
  return { dir, checkpointDir };
}

/** What the engine's weights should be: the file's values, quantized again unless they map directly. */
function expected(type: GgufType, format: WeightFormat): (w: Float32Array, rows: number, cols: number) => Float32Array {
  const stored = (w: Float32Array) => encodeTensor(w, type).values;
  const direct = (type === 'Q4_0' && format === 'q4') || (type === 'Q8_0' && format === 'q8');
  if (direct || format === 'f32') return stored;
  const bits = format === 'q4' ? 4 : 8;
  return (w, rows, cols) => dequantize(quantize(stored(w), rows, cols, bits));
}

const CASES: [string, 'glm-edge' | 'glm-4-9b', GgufType, WeightFormat][] = [
  ['Q4_0 -> q4 (blocks repacked, lossless)', 'glm-edge', 'Q4_0', 'q4'],
  ['Q8_0 -> q8 (lossless)', 'glm-4-9b', 'Q8_0', 'q8'],
  ['F16 -> q4', 'glm-4-9b', 'F16', 'q4'],
  ['BF16 -> f32', 'glm-edge', 'BF16', 'f32'],
  ['Q4_1 -> q8', 'glm-edge', 'Q4_1', 'q8'],
  ['Q5_0 -> q4', 'glm-4-9b', 'Q5_0', 'q4'],
  ['Q5_1 -> f32', 'glm-edge', 'Q5_1', 'f32'],
  ['Q4_0 -> f32 (dequantized)', 'glm-4-9b', 'Q4_0', 'f32'],
  ['Q4_K -> q4', 'glm-edge', 'Q4_K', 'q4'],
  ['Q5_K -> q8', 'glm-4-9b', 'Q5_K', 'q8'],
  ['Q6_K -> f32', 'glm-edge', 'Q6_K', 'f32'],
];

/** K-quants come in blocks of 256 values: every K of the fixture a multiple of 256. */
const K_QUANT_SHAPE = { hiddenSize: 256, intermediateSize: 256 };

describe.each(CASES)('%s', (_, shape, type, format) => {
  test(`${shape}: logits match the reference on the file's values within 1e-4 relative`, async () => {
    const { dir, checkpointDir } = await ggufFixture(shape, { type });
    const model = await openGguf(folderFiles(dir), 'model.gguf');
    const engine = await loadGlmModel(ggufSource(model, format), { ort });
    const checkpoint = await openCheckpoint(folderFiles(checkpointDir));
    const reference = flatten(referenceLogits(checkpoint.config, await loadReferenceWeights(checkpoint, expected(type, format)), IDS));
    expect(relativeError(await engine.forward(IDS, true), reference)).toBeLessThan(1e-4);
    await engine.release();
  });
});

test('string lists are typed string even when empty, as llama.cpp requires of tokenizer.ggml.merges (a byte-only tokenizer has none)', async () => {
  const dir = await fixtureDir({ shape: 'glm-edge', seed: 141 });
  const file = join(await mkdtemp(join(tmpdir(), 'glm-gguf-merges-')), 'model.gguf');
  await writeGguf(dir, file, { type: 'F32' });
  const { metadata } = parseGgufBytes(new Uint8Array(await readFile(file)));
  const STRING = 8;
  const ARRAY = 9;
  const INT32 = 5;
  expect(metadata.get('tokenizer.ggml.merges')).toEqual({ type: ARRAY, itemType: STRING, value: [] });
  expect(metadata.get('tokenizer.ggml.tokens')).toMatchObject({ type: ARRAY, itemType: STRING });
  expect(metadata.get('tokenizer.ggml.token_type')).toMatchObject({ type: ARRAY, itemType: INT32 });
});

test('the writer sets what convert_hf_to_gguf.py sets for GlmForCausalLM (no BOS, file type) and, told to keep no values, writes the same bytes', async () => {
  const dir = await fixtureDir({ shape: 'glm-4-9b', seed: 142 });
  const out = await mkdtemp(join(tmpdir(), 'glm-gguf-keys-'));
  const values = await writeGguf(dir, join(out, 'kept.gguf'), { type: 'Q8_0' });
  const none = await writeGguf(dir, join(out, 'streamed.gguf'), { type: 'Q8_0', keepValues: false });
  const bytes = new Uint8Array(await readFile(join(out, 'kept.gguf')));
  const { metadata } = parseGgufBytes(bytes);
  expect(metadata.get('tokenizer.ggml.add_bos_token')).toMatchObject({ value: false });
  expect(metadata.get('general.file_type')).toMatchObject({ value: 7 }); // LLAMA_FTYPE_MOSTLY_Q8_0
  expect(values.size).toBeGreaterThan(0);
  expect(none.size).toBe(0);
  expect(new Uint8Array(await readFile(join(out, 'streamed.gguf')))).toEqual(bytes);
});

test('the config comes from the metadata: both GLM shapes', async () => {
  for (const shape of ['glm-edge', 'glm-4-9b'] as const) {
    const { dir, checkpointDir } = await ggufFixture(shape, { type: 'Q8_0' });
    const fromGguf = (await openGguf(folderFiles(dir), 'model.gguf')).config;
    const original = (await openCheckpoint(folderFiles(checkpointDir))).config;
    expect(fromGguf).toEqual(original);
  }
});

test('the tokenizer and chat template rebuilt from the metadata tokenize as the original (demo model, byte-level BPE with merges)', async () => {
  const dir = await fixtureDirCopy('models/glm-pocket-demo');
  const ggufDir = await mkdtemp(join(tmpdir(), 'glm-gguf-'));
  await writeGguf(dir, join(ggufDir, 'model.gguf'), { type: 'Q8_0' });
  const original = await openCheckpoint(folderFiles(dir));
  const model = await openGguf(folderFiles(ggufDir), 'model.gguf');
  const a = new GlmTokenizer(original.tokenizerJson, original.tokenizerConfig);
  const b = new GlmTokenizer(model.tokenizerJson, model.tokenizerConfig);
  const texts = ['How do I install the app on my phone?', '温度是什么意思？', "It's 2026, isn't it?\n\n  code:  x = 12345;", ''];
  for (const text of texts) expect(b.encode(text)).toEqual(a.encode(text));
  const chat = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'What is top-p?' }];
  expect(b.chatPromptIds(chat)).toEqual(a.chatPromptIds(chat));
  expect(model.config.eosTokenIds).toEqual(original.config.eosTokenIds);
  // A tokenizer.json beside the file is taken as it is.
  await writeGguf(dir, join(dir, 'model.gguf'), { type: 'Q8_0' });
  expect((await openGguf(folderFiles(dir), 'model.gguf')).tokenizerJson).toEqual(original.tokenizerJson);
});

async function fixtureDirCopy(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'glm-demo-'));
  for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']) await writeFile(join(dir, name), await readFile(join(from, name)));
  return dir;
}

describe('what cannot be imported is refused with the reason', () => {
  test('another architecture', async () => {
    const { dir } = await ggufFixture('glm-edge', { type: 'Q8_0', arch: 'llama' });
    await expect(openGguf(folderFiles(dir), 'model.gguf')).rejects.toThrow(/GGUF architecture is "llama"/);
  });
  test('GLM-4-0414 with post-layer norms', async () => {
    const { dir } = await ggufFixture('glm-edge', { type: 'Q8_0', arch: 'glm4', extraTensors: { 'blk.0.post_attention_norm.weight': [64, 1] } });
    await expect(openGguf(folderFiles(dir), 'model.gguf')).rejects.toThrow(/GLM-4-0414/);
  });
  test('a block type not read yet (Q2_K) names the tensor and the types that work', async () => {
    const checkpointDir = await fixtureDir({ shape: 'glm-edge', seed: 31, ...K_QUANT_SHAPE });
    await writeGguf(checkpointDir, join(checkpointDir, 'model.gguf'), { type: 'Q8_0', types: { 'model.layers.0.mlp.down_proj.weight': 'Q2_K' } });
    const model = await openGguf(folderFiles(checkpointDir), 'model.gguf'); // with the checkpoint's tokenizer.json beside it
    await expect(ggufSource(model, 'q4').readLayer(0)).rejects.toThrow(/blk\.0\.ffn_down\.weight is Q2_K, which GLM Pocket cannot read yet/);
  });
  test('not a GGUF file, and a truncated one', async () => {
    const { dir } = await ggufFixture('glm-edge', { type: 'Q8_0' });
    await writeFile(join(dir, 'bad.gguf'), new TextEncoder().encode('<html>404 Not Found</html>'));
    await expect(openGguf(folderFiles(dir), 'bad.gguf')).rejects.toThrow(/bad\.gguf: not a readable GGUF file/);
    const bytes = await readFile(join(dir, 'model.gguf'));
    await writeFile(join(dir, 'short.gguf'), bytes.subarray(0, bytes.length - 4096));
    await expect(openGguf(folderFiles(dir), 'short.gguf')).rejects.toThrow(/short\.gguf: tensor .* ends at byte \d+ but the file has \d+ bytes: the file is truncated/);
  });
});

/** A valid glm-edge Q8_0 GGUF with `edit` applied to its parts (the data laid out as written). */
async function editedGguf(edit: (parts: GgufParts) => GgufParts): Promise<string> {
  const { dir } = await ggufFixture('glm-edge', { type: 'Q8_0' });
  const parts = parseGgufBytes(new Uint8Array(await readFile(join(dir, 'model.gguf'))));
  await writeFile(join(dir, 'model.gguf'), ggufBytes(edit(parts)));
  return dir;
}

const withMeta = (key: string, type: number, value: unknown) => (parts: GgufParts) => ({ ...parts, metadata: new Map(parts.metadata).set(key, { type, value }) });
const openEdited = async (edit: (parts: GgufParts) => GgufParts) => openGguf(folderFiles(await editedGguf(edit)), 'model.gguf');

describe('a broken or hostile GGUF is refused when opened, naming the file and the field', () => {
  test.each([
    [7, /model\.gguf: GGUF metadata general\.alignment is 7; it must be a power of two/],
    [48, /model\.gguf: GGUF metadata general\.alignment is 48; it must be a power of two/],
    [0, /model\.gguf: not a readable GGUF file \(general\.alignment must be a positive integer, got 0\)/],
  ])('general.alignment %i (not a power of two) is refused', async (alignment, message) => {
    const opening = openEdited(withMeta('general.alignment', 4, alignment));
    await expect(opening).rejects.toThrow(CheckpointError);
    await expect(opening).rejects.toThrow(message);
  });

  test('a GGUF cut short inside its header is reported as truncated, not as an unknown architecture', async () => {
    const { dir } = await ggufFixture('glm-edge', { type: 'Q8_0' });
    const bytes = await readFile(join(dir, 'model.gguf'));
    const { headerBytes } = parseGgufBytes(new Uint8Array(bytes));
    for (const end of [100, headerBytes >> 1, headerBytes - 3]) {
      await writeFile(join(dir, 'short.gguf'), bytes.subarray(0, end));
      const opening = openGguf(folderFiles(dir), 'short.gguf');
      await expect(opening).rejects.toThrow(CheckpointError);
      await expect(opening).rejects.toThrow(/short\.gguf: .*truncated/);
    }
  });

  test.each([
    ['chatglm.attention.head_count', 4, 3, /GGUF metadata chatglm\.attention\.head_count \(3\) does not divide .*embedding_length \(64\)/],
    ['chatglm.attention.layer_norm_rms_epsilon', 6, -1, /GGUF metadata chatglm\.attention\.layer_norm_rms_epsilon must be a positive number, got -1/],
    ['chatglm.rope.freq_base', 6, 0, /GGUF metadata chatglm\.rope\.freq_base must be a number >= 1, got 0/],
    ['chatglm.block_count', 4, 1e9, /GGUF metadata chatglm\.block_count is 1000000000, more than 1024/],
    ['chatglm.attention.head_count', 8, '4', /GGUF metadata chatglm\.attention\.head_count must be a number, got "4"/],
  ])('metadata %s (GGUF type %i) = %j names the GGUF file and the key, not a config.json', async (key, type, value, message) => {
    const opening = openEdited(withMeta(key, type, value));
    await expect(opening).rejects.toThrow(message);
    await expect(opening).rejects.toThrow(/model\.gguf: /);
    await expect(opening).rejects.not.toThrow(/config\.json/);
  });

  test('a norm tensor shorter than hidden_size is refused at open, naming the tensor and both shapes', async () => {
    const opening = openEdited((parts) => withTensor(parts, 'blk.1.attn_norm.weight', (t) => ({ ...t, dims: [32n] })));
    await expect(opening).rejects.toThrow(/model\.gguf: tensor blk\.1\.attn_norm\.weight has shape \[32\], the metadata implies \[64\]/);
  });

  test('a tensor whose offset is not a multiple of general.alignment is refused', async () => {
    const opening = openEdited((parts) => withTensor(parts, 'blk.0.attn_q.weight', (t) => ({ ...t, offset: t.offset + 4n })));
    await expect(opening).rejects.toThrow(/tensor blk\.0\.attn_q\.weight starts at offset \d+, not a multiple of general\.alignment \(32\)/);
  });

  test('a tensor whose type does not fill its place in the data section is refused, as llama.cpp refuses it', async () => {
    const opening = openEdited((parts) => withTensor(parts, 'blk.0.attn_q.weight', (t) => ({ ...t, type: 2 })));
    await expect(opening).rejects.toThrow(/model\.gguf: tensor blk\.0\.attn_k\.weight starts at offset \d+, but the tensors before it end at \d+: the file is corrupted/);
  });

  test('a tokenizer.json beside the GGUF without tokenizer_config.json keeps the GGUF chat template', async () => {
    const checkpointDir = await fixtureDir({ shape: 'glm-edge', seed: 32 });
    const template = JSON.parse(await readFile(join(checkpointDir, 'tokenizer_config.json'), 'utf8')).chat_template;
    await writeGguf(checkpointDir, join(checkpointDir, 'model.gguf'), { type: 'Q8_0' });
    await rm(join(checkpointDir, 'tokenizer_config.json'));
    const model = await openGguf(folderFiles(checkpointDir), 'model.gguf');
    expect(model.tokenizerConfig.chat_template).toBe(template);
  });

  test('a NaN scale or an infinite F16 weight is refused when read, naming the tensor', async () => {
    const { dir } = await ggufFixture('glm-edge', { type: 'Q8_0', types: { 'model.layers.0.self_attn.o_proj.weight': 'F16' } });
    const bytes = new Uint8Array(await readFile(join(dir, 'model.gguf')));
    const parts = parseGgufBytes(bytes);
    const at = (name: string) => bytes.length - parts.data.length + Number(parts.tensors.find((t) => t.name === name)!.offset);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint16(at('blk.0.attn_k.weight') + 34, 0x7e00, true);
    view.setUint16(at('blk.0.attn_output.weight') + 6, 0x7c00, true);
    await writeFile(join(dir, 'model.gguf'), bytes);
    const model = await openGguf(folderFiles(dir), 'model.gguf');
    await expect(ggufSource(model, 'q8').readLayer(0)).rejects.toThrow(/model\.gguf: tensor blk\.0\.attn_k\.weight holds NaN/);
    await expect(ggufSource(model, 'f32').readLayer(0)).rejects.toThrow(/model\.gguf: tensor blk\.0\.attn_k\.weight holds NaN/);
    view.setUint16(at('blk.0.attn_k.weight') + 34, 0x3c00, true);
    await writeFile(join(dir, 'model.gguf'), bytes);
    await expect(ggufSource(await openGguf(folderFiles(dir), 'model.gguf'), 'q4').readLayer(0)).rejects.toThrow(/model\.gguf: tensor blk\.0\.attn_output\.weight holds Infinity/);
  });
});
