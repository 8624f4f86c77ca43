// Fuzz: GGUF files from tools/gguf-writer.ts with metadata set to random typed values, tensor infos
// changed, header bytes flipped and the file cut short, end in a model or one typed error.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, test } from 'vitest';
import { blobCheckpointFiles } from '../../../src/engine/io/blob-files';
import { ggufSource, openGguf } from '../../../src/engine/formats/gguf';
import { WEIGHT_FORMATS } from '../../../src/engine/formats/weights';
import { writeGguf } from '../../../tools/gguf-writer';
import { ggufBytes, parseGgufBytes, type GgufParts, type GgufValue } from '../../gguf-edit';
import { fixtureDir } from '../../helpers';
import { exercise, FUZZ_TIMEOUT_MS, fuzzOptions, outcome, Tally } from './fuzz-harness';

/** Two valid files: GLM-Edge in Q8_0, GLM-4-9B (biases, untied lm_head) in Q4_0 with an F16 tensor. */
const bases: GgufParts[] = [];

beforeAll(async () => {
  const specs = [
    { shape: 'glm-edge', gguf: { type: 'Q8_0' } },
    { shape: 'glm-4-9b', gguf: { type: 'Q4_0', types: { 'model.layers.1.mlp.down_proj.weight': 'F16' } } },
  ] as const;
  for (const { shape, gguf } of specs) {
    const checkpointDir = await fixtureDir({ shape, seed: 72, numLayers: 2 });
    const file = join(await mkdtemp(join(tmpdir(), 'glm-fuzz-')), 'model.gguf');
    await writeGguf(checkpointDir, file, gguf);
    bases.push(parseGgufBytes(new Uint8Array(await readFile(file))));
  }
});

/** A value of GGUF type `type` (never 9, the array type), near the edges of what it holds. */
function scalarOf(type: number): fc.Arbitrary<unknown> {
  const int = (min: number, max: number) => fc.oneof(fc.integer({ min: Math.max(min, -2), max: Math.min(max, 300) }), fc.integer({ min, max }));
  switch (type) {
    case 0: return int(0, 255);
    case 1: return int(-128, 127);
    case 2: return int(0, 65535);
    case 3: return int(-32768, 32767);
    case 4: return fc.oneof(int(0, 2 ** 32 - 1), fc.constantFrom(7, 16, 32, 64, 1e9));
    case 5: return int(-(2 ** 31), 2 ** 31 - 1);
    case 6: return fc.oneof(fc.float(), fc.constantFrom(0, -1, 1e-5, 1e-45, 10000));
    case 7: return fc.boolean();
    case 8: return fc.string({ maxLength: 12 });
    case 10: return fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
    case 11: return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    default: return fc.double();
  }
}

const valueType = fc.integer({ min: 0, max: 12 }).filter((t) => t !== 9);
const ggufValue: fc.Arbitrary<GgufValue> = fc.oneof(
  { arbitrary: valueType.chain((type) => scalarOf(type).map((value) => ({ type, value }))), weight: 4 },
  { arbitrary: valueType.chain((itemType) => fc.array(scalarOf(itemType), { maxLength: 5 }).map((value) => ({ type: 9, itemType, value }))), weight: 1 },
);

/** Keys worth setting besides the file's own: ones the writer leaves out and the reader reads. */
const EXTRA_KEYS = ['general.alignment', 'chatglm.attention.key_length', 'tokenizer.ggml.merges', 'tokenizer.ggml.pre', 'general.architecture'];
const dimension = fc.oneof(fc.constantFrom(0n, 1n, 2n, 16n, 32n, 64n, 128n, 256n, 272n), fc.bigInt({ min: 0n, max: 2n ** 32n }));

/** One change to the file's parts: a metadata value set or removed, a tensor info changed, swapped or removed. */
const partsEdit = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.nat(), value: ggufValue }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.nat() }),
  fc.record({ kind: fc.constant('dims' as const), tensor: fc.nat(), dims: fc.array(dimension, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('type' as const), tensor: fc.nat(), type: fc.oneof(fc.constantFrom(0, 1, 2, 3, 6, 7, 8, 10, 12, 13, 14, 30), fc.nat(40)) }),
  fc.record({ kind: fc.constant('offset' as const), tensor: fc.nat(), by: fc.oneof(fc.integer({ min: -8, max: 8 }).map((n) => BigInt(n * 32)), fc.bigInt({ min: -(2n ** 20n), max: 2n ** 64n })) }),
  fc.record({ kind: fc.constant('swap' as const), tensor: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), tensor: fc.nat() }),
);
type PartsEdit = typeof partsEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(parts: GgufParts, edit: PartsEdit): GgufParts {
  const keys = [...parts.metadata.keys(), ...EXTRA_KEYS];
  const tensors = parts.tensors.map((t) => ({ ...t }));
  const t = tensors[(('tensor' in edit ? edit.tensor : 0) % tensors.length)] ?? { name: '', dims: [], type: 0, offset: 0n };
  const metadata = new Map(parts.metadata);
  if (edit.kind === 'set') metadata.set(keys[edit.key % keys.length], edit.value);
  if (edit.kind === 'delete') metadata.delete(keys[edit.key % keys.length]);
  if (edit.kind === 'dims') t.dims = edit.dims;
  if (edit.kind === 'type') t.type = edit.type;
  if (edit.kind === 'offset') t.offset = BigInt.asUintN(64, t.offset + edit.by);
  if (edit.kind === 'swap') [t.name, tensors[edit.other % tensors.length].name] = [tensors[edit.other % tensors.length].name, t.name];
  return { ...parts, metadata, tensors: edit.kind === 'drop' ? tensors.filter((x) => x !== t) : tensors };
}

/** After the edits, at most one change to the bytes: flips within the header, or a cut anywhere (mostly in the header). */
const byteEdit = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('flips' as const), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), inHeader: fc.boolean() }), weight: 2 },
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

function fileBytes(parts: GgufParts, edit: ByteEdit): Uint8Array {
  const bytes = ggufBytes(parts);
  const headerBytes = bytes.length - parts.data.length;
  if (edit.kind === 'flips') for (const [at, value] of edit.flips) bytes[at % headerBytes] = value;
  return edit.kind === 'cut' ? bytes.subarray(0, edit.at % (edit.inHeader ? headerBytes : bytes.length)) : bytes;
}

/** Cases in the default (CI) run. */
const CI_CASES = 1500;

test('mutated GGUF files end in a model whose logits are finite, or one typed error', async () => {
  const tally = new Tally('GGUF headers and metadata');
  await fc.assert(
    fc.asyncProperty(fc.nat(1), fc.array(partsEdit, { maxLength: 2 }), byteEdit, fc.nat(99), fc.constantFrom(...WEIGHT_FORMATS), async (base, edits, bytesEdit, depth, format) => {
      const bytes = fileBytes(edits.reduce(applyEdit, bases[base]), bytesEdit);
      const files = blobCheckpointFiles(new Map([['model.gguf', new Blob([bytes as Uint8Array<ArrayBuffer>])]]), 'fuzz');
      const opened = tally.count(await outcome(() => openGguf(files, 'model.gguf')));
      // Some accepted files go on: every part read in a format, a few loaded and run.
      if (!opened.ok || depth >= 10) return;
      await exercise(ggufSource(opened.value, format), depth === 0, tally);
    }),
    fuzzOptions(CI_CASES),
  );
  tally.print();
}, FUZZ_TIMEOUT_MS);
