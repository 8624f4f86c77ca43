// Bad checkpoints fail when opened, with a message naming the file and the problem.
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../../src/engine/formats/checkpoint';
import { CheckpointError, UnsupportedModelError } from '../../../src/engine/errors';
import { readSafetensorsHeader } from '../../../src/engine/formats/safetensors';
import { checkpointSource } from '../../../src/engine/formats/source';
import { folderFiles } from '../../../tools/node-files';
import { fixtureDir } from '../../helpers';

async function editConfig(dir: string, edit: (c: Record<string, unknown>) => void): Promise<void> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  edit(config);
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
}

const open = (dir: string) => openCheckpoint(folderFiles(dir));

type Header = Record<string, { dtype: string; shape: unknown[]; data_offsets: unknown[] }>;

/** Rewrites model.safetensors with the header `edit` returns (JSON text as it is); the data section stays as it was. */
async function editHeader(dir: string, edit: (header: Header) => unknown): Promise<void> {
  const file = join(dir, 'model.safetensors');
  const bytes = await readFile(file);
  const headerBytes = Number(bytes.readBigUInt64LE(0));
  const edited = edit(JSON.parse(bytes.subarray(8, 8 + headerBytes).toString('utf8')));
  const json = Buffer.from(typeof edited === 'string' ? edited : JSON.stringify(edited));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  await writeFile(file, Buffer.concat([length, json, bytes.subarray(8 + headerBytes)]));
}

const NORM = 'model.layers.1.input_layernorm.weight';
/** The header with one tensor's data_offsets moved by `by` bytes. */
const shift = (h: Header, name: string, by: number) => ((h[name].data_offsets = h[name].data_offsets.map((o) => (o as number) + by)), h);

describe('opening a checkpoint', () => {
  test('another model_type is refused, naming the type', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editConfig(dir, (c) => (c.model_type = 'llama'));
    await expect(open(dir)).rejects.toThrow(UnsupportedModelError);
    await expect(open(dir)).rejects.toThrow(/model_type is "llama"/);
  });

  test('glm4 (GLM-4-0414) is refused with the reason', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editConfig(dir, (c) => (c.model_type = 'glm4'));
    await expect(open(dir)).rejects.toThrow(/post-layer norms/);
  });

  test('a missing config.json names the file and the folder', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await rm(join(dir, 'config.json'));
    await expect(open(dir)).rejects.toThrow(`config.json: not found in ${dir}`);
  });

  test('an HTML page saved as config.json is recognised', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await writeFile(join(dir, 'config.json'), '<!DOCTYPE html><html><body>Not found</body></html>');
    await expect(open(dir)).rejects.toThrow(/config.json: is not valid JSON \(it is an HTML page/);
  });

  test('a config field of the wrong type is named', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editConfig(dir, (c) => (c.hidden_size = '64'));
    await expect(open(dir)).rejects.toThrow(/"hidden_size" must be a positive integer/);
  });

  test('a config of 1e9 layers is refused, naming the field, before anything is allocated for them', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editConfig(dir, (c) => (c.num_hidden_layers = 1e9));
    await expect(open(dir)).rejects.toThrow(/config.json: "num_hidden_layers" is 1000000000, more than 1024/);
  });

  test('a missing tensor is named', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editConfig(dir, (c) => (c.num_hidden_layers = 4));
    await expect(open(dir)).rejects.toThrow(CheckpointError);
    await expect(open(dir)).rejects.toThrow(/tensor model.layers.3.input_layernorm.weight is missing/);
  });

  test('an untied config without lm_head.weight names the missing tensor', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editConfig(dir, (c) => (c.tie_word_embeddings = false));
    await expect(open(dir)).rejects.toThrow(/lm_head.weight is missing/);
  });

  test('a shape that disagrees with the config names tensor, file and both shapes', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editConfig(dir, (c) => (c.intermediate_size = 96));
    await expect(open(dir)).rejects.toThrow(/model.safetensors: tensor model.layers.0.mlp.gate_up_proj.weight has shape \[256,64\], config.json implies \[192,64\]/);
  });

  test('a truncated safetensors file is reported as truncated', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    const file = join(dir, 'model.safetensors');
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
    await truncate(file, size - 100);
    await expect(open(dir)).rejects.toThrow(/model.safetensors: tensor .* ends at byte \d+ but the file has \d+ bytes: the file is truncated/);
  });

  test('a file that is not safetensors is reported', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await writeFile(join(dir, 'model.safetensors'), 'this is not a safetensors file at all');
    await expect(open(dir)).rejects.toThrow(/model.safetensors: header length \d+ does not fit/);
  });

  test('a corrupted header is reported', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    const file = join(dir, 'model.safetensors');
    const bytes = await readFile(file);
    bytes.fill(0x7b, 8, 20);
    await writeFile(file, bytes);
    await expect(open(dir)).rejects.toThrow(/model.safetensors: header is not valid JSON/);
  });

  test('a shard listed in the index but absent is named', async () => {
    const dir = await fixtureDir({ shape: 'glm-4-9b', shards: 2 });
    await rm(join(dir, 'model-00002-of-00002.safetensors'));
    await expect(open(dir)).rejects.toThrow(/model-00002-of-00002.safetensors: file not found/);
  });

  test('no weights at all is reported', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await rm(join(dir, 'model.safetensors'));
    await expect(open(dir)).rejects.toThrow(/model.safetensors: not found in .*\(nor model.safetensors.index.json/);
  });

  test('a negative data offset (pointing into the header) is refused at header parse', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editHeader(dir, (h) => shift(h, 'model.embed_tokens.weight', -64));
    await expect(open(dir)).rejects.toThrow(/model.safetensors: tensor model.embed_tokens.weight: data_offsets \[-64,\d+\] must be whole numbers from 0/);
  });

  test('a tensor whose bytes overlap another tensor is refused', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editHeader(dir, (h) => ((h[NORM].data_offsets = h['model.layers.0.input_layernorm.weight'].data_offsets), h));
    await expect(open(dir)).rejects.toThrow(/model.safetensors: tensor model.layers.\d.input_layernorm.weight \(bytes \d+ to \d+\) overlaps tensor model.layers.\d.input_layernorm.weight/);
  });

  test('fractional data offsets are refused', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editHeader(dir, (h) => shift(h, NORM, 0.5));
    await expect(open(dir)).rejects.toThrow(new RegExp(`tensor ${NORM}: data_offsets \\[[\\d.]+,[\\d.]+\\] must be whole numbers`));
  });

  test('an end before the start, with a negative shape to match, is refused at header parse', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editHeader(dir, (h) => {
      h[NORM].shape = [-64];
      h[NORM].data_offsets.reverse();
      return h;
    });
    await expect(readSafetensorsHeader(folderFiles(dir), 'model.safetensors')).rejects.toThrow(new RegExp(`tensor ${NORM}: shape \\[-64\\] must be a list of whole numbers >= 0`));
  });

  test.each([[['64']], [[0.5, 128]], [[64, null]]])('a shape of %j is refused even when its byte count matches', async (shape) => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editHeader(dir, (h) => ((h[NORM].shape = shape), h));
    await expect(readSafetensorsHeader(folderFiles(dir), 'model.safetensors')).rejects.toThrow(new RegExp(`tensor ${NORM}: shape .* must be a list of whole numbers >= 0`));
  });

  test.each(['null', '[]', '5', '"x"'])('a header that is JSON but not an object (%s) is refused', async (header) => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    await editHeader(dir, () => header);
    await expect(open(dir)).rejects.toThrow(/model.safetensors: header is not a JSON object/);
  });

  test.each([
    ['NaN', 'q4', 0x7fc0],
    ['Infinity', 'f32', 0x7f80],
    ['-Infinity', 'f16', 0xff80],
  ] as const)('a %s weight is refused when converted to %s, naming the tensor and the file', async (value, format, bits) => {
    const dir = await fixtureDir({ shape: 'glm-edge' });
    const checkpoint = await open(dir);
    const entry = checkpoint.tensors.get('model.layers.1.mlp.down_proj.weight')!;
    const bytes = await readFile(join(dir, entry.file));
    bytes.writeUInt16LE(bits, entry.start + 2 * 77);
    await writeFile(join(dir, 'model.safetensors'), bytes);
    const source = checkpointSource(await open(dir), format);
    await expect(source.readLayer(0)).resolves.toBeDefined();
    await expect(source.readLayer(1)).rejects.toThrow(new RegExp(`model.safetensors: tensor model.layers.1.mlp.down_proj.weight holds ${value} at element 77`));
  });
});
