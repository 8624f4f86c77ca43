// The committed kernel modules are what kernels.c builds to (clang and lld, which .ci/run installs).
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { kernelsModuleSource, MODULE_FILE } from '../../../tools/build-kernels';

test('src/engine/cpu/kernels-wasm.ts holds the builds of kernels.c (rebuild: npx tsx tools/build-kernels.ts)', () => {
  expect(readFileSync(MODULE_FILE, 'utf8')).toBe(kernelsModuleSource());
});
