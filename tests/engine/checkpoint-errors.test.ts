// Bad checkpoints fail when opened, with a message naming the file and the problem.
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../src/engine/checkpoint';
import { CheckpointError, UnsupportedModelError } from '../../src/engine/errors';
import { folderFiles } from '../../tools/node-files';
import { fixtureDir } from '../helpers';

async function editConfig(dir: string, edit: (c: Record<string, unknown>) => void): Promise<void> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  edit(config);
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
}

const open = (dir: string) => openCheckpoint(folderFiles(dir));

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
});
