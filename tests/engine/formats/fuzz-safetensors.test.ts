// Fuzz: mutated safetensors headers (fields set to random JSON, offsets moved, bytes flipped, the
// length field and the file cut) and config.json values end in a checkpoint or one typed error.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { blobCheckpointFiles } from '../../../src/engine/io/blob-files';
import { openCheckpoint } from '../../../src/engine/formats/checkpoint';
import { parseGlmConfig } from '../../../src/engine/formats/config';
import { readSafetensorsHeader, type TensorEntry } from '../../../src/engine/formats/safetensors';
import { checkpointSource } from '../../../src/engine/formats/source';
import { WEIGHT_FORMATS } from '../../../src/engine/formats/weights';
import { fixtureDir } from '../../helpers';
import { exercise, FUZZ_TIMEOUT_MS, fuzzOptions, outcome, Tally } from './fuzz-harness';

/** Cases in the default (CI) run. */
const HEADER_CASES = 1500;
const CONFIG_CASES = 2000;

let original: Map<string, Uint8Array>;
let header: Record<string, unknown>;
let dataSection: Uint8Array;

beforeAll(async () => {
  const dir = await fixtureDir({ shape: 'glm-edge', seed: 71, numLayers: 2 });
  original = new Map(await Promise.all((await readdir(dir)).map(async (name) => [name, new Uint8Array(await readFile(join(dir, name)))] as const)));
  const bytes = original.get('model.safetensors')!;
  const headerBytes = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerBytes)));
  dataSection = bytes.subarray(8 + headerBytes);
});

const files = (replaced: Record<string, Uint8Array>) => {
  const all = new Map([...original, ...Object.entries(replaced)].map(([name, bytes]) => [name, new Blob([bytes as Uint8Array<ArrayBuffer>])]));
  return blobCheckpointFiles(all, 'fuzz');
};

/** Numbers near the edges a header's fields can sit on, and any JSON. */
const oddNumber = fc.oneof(fc.integer({ min: -70000, max: 70000 }), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom(-1, 0, 0.5, 2 ** 31, 2 ** 53, 2 ** 64, 1e300, -0));
const oddValue = fc.oneof(oddNumber, fc.jsonValue({ maxDepth: 2 }), fc.array(oddNumber, { maxLength: 3 }), fc.constantFrom('BF16', 'F16', 'F32', 'I64', null));

/** One change to the parsed header: a tensor's field, its offsets moved or swapped with another's, an entry removed or added. */
const headerEdit = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), tensor: fc.nat(), field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'entry'), value: oddValue }),
  fc.record({ kind: fc.constant('shift' as const), tensor: fc.nat(), which: fc.constantFrom(0, 1, 2), by: oddNumber }),
  fc.record({ kind: fc.constant('copy' as const), tensor: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), tensor: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), tensor: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), name: fc.string({ maxLength: 8 }), value: oddValue }),
);
type HeaderEdit = typeof headerEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(h: Record<string, unknown>, edit: HeaderEdit): void {
  const names = Object.keys(h).filter((n) => n !== '__metadata__');
  if (edit.kind === 'add') h[edit.name] = edit.value;
  if (names.length === 0 || edit.kind === 'add') return;
  const name = (index: number) => names[index % names.length];
  // An entry an earlier edit made a non-object takes no field edits.
  const entry = (index: number) => (typeof h[name(index)] === 'object' && h[name(index)] !== null ? (h[name(index)] as Record<string, unknown>) : {});
  if (edit.kind === 'remove') delete h[name(edit.tensor)];
  else if (edit.kind === 'copy') entry(edit.tensor).data_offsets = entry(edit.from).data_offsets;
  else if (edit.kind === 'swap') [entry(edit.tensor).data_offsets, entry(edit.from).data_offsets] = [entry(edit.from).data_offsets, entry(edit.tensor).data_offsets];
  else if (edit.kind === 'field' && edit.field === 'entry') h[name(edit.tensor)] = edit.value;
  else if (edit.kind === 'field') entry(edit.tensor)[edit.field] = edit.value;
  else {
    const offsets = entry(edit.tensor).data_offsets;
    if (Array.isArray(offsets)) entry(edit.tensor).data_offsets = offsets.map((o, i) => (edit.which === 2 || edit.which === i ? o + edit.by : o));
  }
}

/** After the header edits, at most one change to the file's bytes: flips in the header, the length field, a cut. */
const byteEdit = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('flips' as const), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('length' as const), length: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: -64, max: 64 })) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }), weight: 1 },
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

function fileBytes(h: Record<string, unknown>, edit: ByteEdit): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const bytes = new Uint8Array(8 + json.length + dataSection.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(dataSection, 8 + json.length);
  if (edit.kind === 'flips') for (const [at, value] of edit.flips) bytes[at % (8 + json.length)] = value;
  if (edit.kind === 'length') view.setBigUint64(0, typeof edit.length === 'bigint' ? edit.length : BigInt(Math.max(0, json.length + edit.length)), true);
  return edit.kind === 'cut' ? bytes.subarray(0, edit.at % bytes.length) : bytes;
}

/** What an accepted header promises: typed fields, every range inside the file's data section, no two overlapping. */
function checkEntries(entries: TensorEntry[], bytes: Uint8Array): void {
  const dataStart = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const perElement = { BF16: 2, F16: 2, F32: 4 };
  for (const e of entries) {
    expect(e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)).toBe(true);
    expect(e.start).toBeGreaterThanOrEqual(dataStart);
    expect(e.end).toBeLessThanOrEqual(bytes.length);
    expect(e.end - e.start).toBe(e.shape.reduce((a, b) => a * b, 1) * perElement[e.dtype]);
  }
  const sorted = entries.filter((e) => e.end > e.start).sort((a, b) => a.start - b.start);
  sorted.slice(1).forEach((e, i) => expect(e.start).toBeGreaterThanOrEqual(sorted[i].end));
}

test('mutated safetensors headers end in a valid tensor index or a CheckpointError', async () => {
  const tally = new Tally('safetensors headers');
  await fc.assert(
    fc.asyncProperty(fc.array(headerEdit, { maxLength: 2 }), byteEdit, fc.nat(99), fc.constantFrom(...WEIGHT_FORMATS), async (edits, bytesEdit, depth, format) => {
      const h = structuredClone(header);
      edits.forEach((edit) => applyEdit(h, edit));
      const bytes = fileBytes(h, bytesEdit);
      const checkpointFiles = files({ 'model.safetensors': bytes });
      const parsed = tally.count(await outcome(() => readSafetensorsHeader(checkpointFiles, 'model.safetensors')));
      if (!parsed.ok) return;
      checkEntries(parsed.value, bytes);
      // Some accepted headers go on: the checkpoint opened and converted, a few loaded and run.
      if (depth >= 10) return;
      const opened = await outcome(() => openCheckpoint(checkpointFiles));
      if (!opened.ok) return;
      await exercise(checkpointSource(opened.value, format), depth === 0, tally);
    }),
    fuzzOptions(HEADER_CASES),
  );
  tally.print();
}, FUZZ_TIMEOUT_MS);

/** A valid config.json with some fields set to odd values (or removed). */
const configEdits = fc.dictionary(
  fc.constantFrom('hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'head_dim', 'vocab_size', 'partial_rotary_factor', 'rope_theta', 'rms_norm_eps', 'max_position_embeddings', 'rope_parameters', 'eos_token_id', 'model_type'),
  fc.oneof(oddNumber, oddValue, fc.constant(undefined)),
  { maxKeys: 3 },
);

test('config.json with odd values ends in a config within the engine\'s limits or one typed error', async () => {
  const tally = new Tally('config.json values');
  const base = JSON.parse(new TextDecoder().decode(original.get('config.json')));
  await fc.assert(
    fc.asyncProperty(configEdits, async (edits) => {
      const parsed = tally.count(await outcome(async () => parseGlmConfig({ ...base, ...edits })));
      if (!parsed.ok) return;
      const c = parsed.value;
      for (const size of [c.vocabSize, c.hiddenSize, c.intermediateSize, c.numLayers, c.numHeads, c.numKvHeads, c.headDim, c.maxPositionEmbeddings]) expect(Number.isInteger(size) && size > 0).toBe(true);
      expect(c.numLayers).toBeLessThanOrEqual(1024);
      expect(c.numHeads % c.numKvHeads).toBe(0);
      expect(c.rotaryDim % 2 === 0 && c.rotaryDim > 0 && c.rotaryDim <= c.headDim).toBe(true);
      expect(c.ropeTheta >= 1 && Math.fround(c.rmsNormEps) > 0).toBe(true);
    }),
    fuzzOptions(CONFIG_CASES),
  );
  tally.print();
}, FUZZ_TIMEOUT_MS);
