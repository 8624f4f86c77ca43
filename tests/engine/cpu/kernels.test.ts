// The committed kernel module is what kernels.c builds to (clang and lld, which .ci/run installs).
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { buildKernels, MODULE_FILE, moduleSource } from '../../../tools/build-kernels';

test('src/engine/cpu/kernels-wasm.ts is the build of kernels.c (rebuild: npx tsx tools/build-kernels.ts)', () => {
  expect(readFileSync(MODULE_FILE, 'utf8')).toBe(moduleSource(buildKernels()));
});
