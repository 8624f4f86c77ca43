// Packs: converting then loading gives the checkpoint's logits exactly; the manifest is validated.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PackError } from '../../../../src/engine/errors';
import { openCheckpoint } from '../../../../src/engine/formats/checkpoint';
import { loadGlmModel } from '../../../../src/engine/runtime/model';
import { openPack } from '../../../../src/engine/formats/pack/read';
import { checkpointSource } from '../../../../src/engine/formats/source';
import { folderFiles, packFolder } from '../../../../tools/node-files';
import { ort } from '../../../helpers';
import { packFixture } from '../../../pack-fixtures';

type Chunk = { file: string; bytes: number; sha256: string };
type Manifest = { parts: { name: string; tensors: { name: string; offset: number; length: number }[]; chunks: Chunk[] }[]; config: Record<string, unknown> };

/** A q4 glm-edge pack whose manifest.json is rewritten by `edit`; returns the opening. */
async function openEdited(edit: (m: Manifest) => void): Promise<unknown> {
  const { packDir } = await packFixture({ shape: 'glm-edge', seed: 66 }, 'q4');
  const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8'));
  edit(manifest);
  await writeFile(join(packDir, 'manifest.json'), JSON.stringify(manifest));
  return openPack(packFolder(packDir));
}

const tensor = (m: Manifest, part: string, name: string) => m.parts.find((p) => p.name === part)!.tensors.find((t) => t.name === name)!;

const IDS = [12, 7, 99, 3];

describe('packs', () => {
  test.each(['q4', 'q8', 'f16', 'f32'] as const)('a %s pack gives exactly the logits of converting the checkpoint at load time', async (format) => {
    const { checkpointDir, packDir, manifest } = await packFixture({ shape: 'glm-4-9b', seed: 61 }, format);
    expect(manifest.parts.map((p) => p.name)).toEqual(['base', 'layer.0', 'layer.1', 'layer.2']);
    const fromPack = await loadGlmModel(await openPack(packFolder(packDir)), { ort, segmentSize: 2 });
    const fromCheckpoint = await loadGlmModel(checkpointSource(await openCheckpoint(folderFiles(checkpointDir)), format), { ort, segmentSize: 2 });
    expect(Array.from(await fromPack.forward(IDS, true))).toEqual(Array.from(await fromCheckpoint.forward(IDS, true)));
  });

  test('the sizes the planner estimates from the config equal the parts written', async () => {
    const { checkpointDir, manifest } = await packFixture({ shape: 'glm-edge', seed: 62 }, 'q4');
    const source = checkpointSource(await openCheckpoint(folderFiles(checkpointDir)), 'q4');
    expect(manifest.parts[0].bytes).toBeGreaterThanOrEqual(source.baseBytes());
    expect(manifest.parts[0].bytes).toBeLessThan(source.baseBytes() + 64);
    expect(manifest.parts[1].bytes).toBeGreaterThanOrEqual(source.layerBytes(0));
    expect(manifest.parts[1].bytes).toBeLessThan(source.layerBytes(0) + 16 * 16);
  });

  test('a corrupted chunk in a pack folder is named when read', async () => {
    const { packDir } = await packFixture({ shape: 'glm-edge', seed: 63 }, 'q8');
    const file = join(packDir, 'layer.1.0.bin');
    const bytes = await readFile(file);
    bytes[10] ^= 1;
    await writeFile(file, bytes);
    const pack = await openPack(packFolder(packDir));
    await expect(pack.readLayer(1)).rejects.toThrow(/layer.1.0.bin: content does not match its SHA-256/);
  });

  test('an unknown format version is refused with the versions involved', async () => {
    const { packDir } = await packFixture({ shape: 'glm-edge', seed: 64 }, 'q4');
    const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8'));
    manifest.version = 3;
    await writeFile(join(packDir, 'manifest.json'), JSON.stringify(manifest));
    await expect(openPack(packFolder(packDir))).rejects.toThrow(/pack format version 3 is not supported .* reads versions 1 and 2/);
  });

  test('a version 1 manifest ("format" as its kind, "quant" as its weight format) opens as version 2 and loads the same model', async () => {
    const { packDir } = await packFixture({ shape: 'glm-edge', seed: 66 }, 'q8');
    const current = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8'));
    expect([current.kind, current.version, current.format]).toEqual(['glm-pocket-pack', 2, 'q8']);
    const ids = [3, 1, 4, 1, 5];
    const logits = await (await loadGlmModel(await openPack(packFolder(packDir)), { ort })).forward(ids, true);
    const { kind, format, ...rest } = current;
    await writeFile(join(packDir, 'manifest.json'), JSON.stringify({ ...rest, format: kind, version: 1, quant: format }));
    const old = await openPack(packFolder(packDir));
    expect([old.manifest.kind, old.manifest.version, old.manifest.format, old.format]).toEqual(['glm-pocket-pack', 2, 'q8', 'q8']);
    expect(Array.from(await (await loadGlmModel(old, { ort })).forward(ids, true))).toEqual(Array.from(logits));
  });

  test('a manifest whose sizes do not add up is refused', async () => {
    const { packDir } = await packFixture({ shape: 'glm-edge', seed: 65 }, 'q4');
    const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8'));
    manifest.parts[1].bytes += 1;
    await writeFile(join(packDir, 'manifest.json'), JSON.stringify(manifest));
    await expect(openPack(packFolder(packDir))).rejects.toThrow(/part layer.0: chunks hold \d+ bytes, the part \d+/);
  });

  test.each([{}, null, 'model.norm.weight'])('a part whose "tensors" is %j (not a list) is refused when opened', async (value) => {
    const opening = openEdited((m) => ((m.parts[0] as { tensors: unknown }).tensors = value));
    await expect(opening).rejects.toThrow(PackError);
    await expect(opening).rejects.toThrow(/manifest.json: part base: "tensors" must be a list of tensor records/);
  });

  test.each([
    ['offset', -16, /part layer.0: tensor model.layers.0.input_layernorm.weight: "offset" -16 must be a whole number >= 0 and a multiple of 16/],
    ['offset', 8, /"offset" 8 must be a whole number >= 0 and a multiple of 16/],
    ['length', -4, /"length" -4 must be a whole number >= 0/],
    ['length', 1e9, /part layer.0: tensor model.layers.0.input_layernorm.weight ends at byte \d+, past the part's \d+ bytes/],
  ])('a tensor record whose %s is %s is refused when opened', async (field, value, message) => {
    const opening = openEdited((m) => Object.assign(tensor(m, 'layer.0', 'model.layers.0.input_layernorm.weight'), { [field]: value }));
    await expect(opening).rejects.toThrow(PackError);
    await expect(opening).rejects.toThrow(message);
  });

  test('a norm tensor whose length is wrong for the config is refused when opened, not broadcast', async () => {
    const opening = openEdited((m) => (tensor(m, 'base', 'model.norm.weight').length = 16));
    await expect(opening).rejects.toThrow(/manifest.json: part base: tensor model.norm.weight is 16 bytes of float32; the config needs 256 bytes of float32/);
  });

  test.each(['..', '.', '', 'a/b.bin', 'a\\b.bin', '%2e%2e'])('a chunk file name %j that is not a plain name is refused', async (file) => {
    const opening = openEdited((m) => (m.parts[1].chunks[0].file = file));
    await expect(opening).rejects.toThrow(PackError);
    await expect(opening).rejects.toThrow(/manifest.json: part layer.0: chunk 0: "file" .* must be a plain file name/);
  });

  test('a config problem in a pack is a PackError naming the manifest and the field', async () => {
    const opening = openEdited((m) => (m.config.rms_norm_eps = -1));
    await expect(opening).rejects.toThrow(PackError);
    await expect(opening).rejects.toThrow(/manifest.json: "config.rms_norm_eps" must be a positive number, got -1/);
  });

  test("a part whose chunk is another part's (size and hash copied with it) is refused when opened", async () => {
    const opening = openEdited((m) => (m.parts[1].chunks[0] = m.parts[2].chunks[0]));
    await expect(opening).rejects.toThrow(/manifest.json: part layer.0: chunk 0: "file" is "layer.1.0.bin"; the chunks of part layer.0 are named layer.0.<index>.bin/);
  });

  test('a NaN in a float tensor of a pack is refused when the pack is read with verification, naming the tensor', async () => {
    const { packDir } = await packFixture({ shape: 'glm-edge', seed: 67 }, 'q4', 1 << 20);
    const manifest = JSON.parse(await readFile(join(packDir, 'manifest.json'), 'utf8')) as Manifest;
    const layer = manifest.parts[2];
    const norm = layer.tensors.find((t) => t.name === 'model.layers.1.post_attention_layernorm.weight')!;
    const bytes = await readFile(join(packDir, layer.chunks[0].file));
    bytes.writeFloatLE(Number.NaN, norm.offset + 4 * 5);
    layer.chunks[0].sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(packDir, layer.chunks[0].file), bytes);
    await writeFile(join(packDir, 'manifest.json'), JSON.stringify(manifest));
    const pack = await openPack(packFolder(packDir));
    await expect(pack.readLayer(1)).rejects.toThrow(PackError);
    await expect(pack.readLayer(1)).rejects.toThrow(/manifest.json: part layer.1: tensor model.layers.1.post_attention_layernorm.weight holds NaN at element 5: the pack is corrupted/);
  });
});
