// Builds src/engine/cpu/kernels.c into the WebAssembly module the CPU path runs, written as
// src/engine/cpu/kernels-wasm.ts (base64, so Node, the app's worker and the bench load it alike,
// with no fetch). Needs Debian's clang and lld: `apt-get install clang lld`. `--check` builds into
// memory and fails if the committed module differs (tests/engine/cpu/kernels.test.ts runs it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCE = 'src/engine/cpu/kernels.c';
export const MODULE_FILE = 'src/engine/cpu/kernels-wasm.ts';

/** The module's bytes as clang builds them from SOURCE. */
export function buildKernels(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kernels-'));
  try {
    const out = join(dir, 'kernels.wasm');
    execFileSync('clang', [
      '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-Wall', '-Werror',
      '-Wl,--no-entry', '-Wl,--export-dynamic', '-Wl,--export=__heap_base', '-Wl,--import-memory', '-Wl,--max-memory=4294967296',
      '-o', out, SOURCE,
    ], { stdio: ['ignore', 'inherit', 'inherit'] });
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function moduleSource(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,100}/g) ?? [];
  return `// Built from kernels.c by tools/build-kernels.ts: do not edit.\nexport const KERNELS_WASM_BASE64 =\n${lines.map((l) => `  '${l}'`).join(' +\n')};\n`;
}

if (process.argv[1]?.endsWith('build-kernels.ts')) {
  const source = moduleSource(buildKernels());
  if (process.argv.includes('--check')) {
    if (readFileSync(MODULE_FILE, 'utf8') !== source) {
      console.error(`${MODULE_FILE} is not what ${SOURCE} builds: run npx tsx tools/build-kernels.ts`);
      process.exit(1);
    }
  } else writeFileSync(MODULE_FILE, source);
}
