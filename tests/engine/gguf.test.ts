// GGUF files (llama.cpp's layout, written by tools/gguf-writer.ts) read into the engine: logits
// against the float64 reference on the values the file stores, every block type, both GLM shapes,
// the tokenizer rebuilt from the metadata, and clear errors for what cannot be read.
import { join } from 'node:path';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../src/engine/checkpoint';
import { openGguf, ggufSource } from '../../src/engine/gguf';
import { loadGlmModel } from '../../src/engine/model';
import { dequantize, quantize } from '../../src/engine/quant';
import { GlmTokenizer } from '../../src/engine/tokenizer';
import type { WeightFormat } from '../../src/engine/weights';
import { encodeTensor, writeGguf, type GgufSpec, type GgufType } from '../../tools/gguf-writer';
import { folderFiles } from '../../tools/node-files';
import { fixtureDir, flatten, ort, relativeError } from '../helpers';
import { loadReferenceWeights, referenceLogits } from '../reference/glm-reference';

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
    const model = await openGguf(folderFiles(dir), 'short.gguf');
    await expect(ggufSource(model, 'q8').readBase()).rejects.toThrow(/short\.gguf: tensor .* is truncated|short\.gguf/);
  });
});
