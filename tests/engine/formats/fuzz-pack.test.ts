// Fuzz: a valid pack's manifest.json with random fields set to random values, removed, or copied
// from elsewhere in the manifest ends in a pack whose logits are finite, or one typed error.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, test } from 'vitest';
import { blobPackFiles } from '../../../src/engine/io/blob-files';
import { openPack } from '../../../src/engine/formats/pack/read';
import { packFixture } from '../../pack-fixtures';
import { exercise, FUZZ_TIMEOUT_MS, fuzzOptions, outcome, Tally } from './fuzz-harness';

let packFiles: Map<string, Blob>;
let manifest: unknown;
/** Every path to a value in the manifest (object keys and array indices): where an edit lands. */
let paths: (string | number)[][];

function allPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [path];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [path, ...children.flatMap(([key, child]) => allPaths(child, [...path, key]))];
}

beforeAll(async () => {
  // Two layers in q8, chunks of 4 kB: a few chunks per part, so chunk lists are worth editing.
  const { packDir } = await packFixture({ shape: 'glm-4-9b', seed: 73, numLayers: 2, hiddenSize: 64 }, 'q8', 4096);
  packFiles = new Map(await Promise.all((await readdir(packDir)).map(async (name) => [name, new Blob([await readFile(join(packDir, name))])] as const)));
  manifest = JSON.parse(await packFiles.get('manifest.json')!.text());
  // The tokenizer's vocabulary is thousands of paths that the manifest only carries along.
  paths = allPaths(manifest).filter((path) => !(path[0] === 'tokenizer' && path[1] === 'config' && path.length > 3));
});

const oddNumber = fc.oneof(fc.integer({ min: -64, max: 300 }), fc.integer(), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom(-16, 0, 16, 2 ** 32, 2 ** 53, 1e300));
const oddValue = fc.oneof(oddNumber, fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('..', '', 'a/b', 'layer.0', 'base', 'float32', 'uint8', 'q4', null, [], {}));

/** One change: a value set, a key or element removed, or a value copied from another place. */
const manifestEdit = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('remove' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('copy' as const), path: fc.nat(), from: fc.nat() }),
);
type ManifestEdit = typeof manifestEdit extends fc.Arbitrary<infer T> ? T : never;

/** The value at `path` in `root` set (or removed with `remove`); a path an earlier edit cut off or made a list is left alone. */
function edit(root: unknown, e: ManifestEdit): unknown {
  const path = paths[e.path % paths.length];
  const value = e.kind === 'copy' ? structuredClone(valueAt(root, paths[e.from % paths.length])) : e.kind === 'set' ? e.value : undefined;
  if (path.length === 0) return value;
  const parent = valueAt(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (typeof parent !== 'object' || parent === null || (Array.isArray(parent) && typeof key !== 'number')) return root;
  if (e.kind !== 'remove') (parent as Record<string | number, unknown>)[key] = value;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string, unknown>)[key as string];
  return root;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[key] : undefined), root);
}

/** Cases in the default (CI) run. */
const CI_CASES = 1500;

test('mutated pack manifests end in a pack whose logits are finite, or one PackError', async () => {
  const tally = new Tally('pack manifests');
  await fc.assert(
    fc.asyncProperty(fc.array(manifestEdit, { minLength: 1, maxLength: 3 }), fc.nat(99), async (edits, depth) => {
      const edited = edits.reduce(edit, structuredClone(manifest));
      const files = new Map(packFiles).set('manifest.json', new Blob([JSON.stringify(edited) ?? '']));
      const opened = tally.count(await outcome(() => openPack(blobPackFiles(files, 'fuzz'))));
      // Some accepted manifests go on: every part read, a few loaded and run.
      if (!opened.ok || depth >= 20) return;
      await exercise(opened.value, depth === 0, tally);
    }),
    fuzzOptions(CI_CASES),
  );
  tally.print();
}, FUZZ_TIMEOUT_MS);
