// Builds src/engine/cpu/kernels.c into the WebAssembly modules the CPU path runs, written as
// src/engine/cpu/kernels-wasm.ts (base64, so Node, the app's worker and the bench load them alike,
// with no fetch): one on an ordinary memory, one on a shared memory that several threads run on
// (cpu/threads.ts), with its stack pointer exported so that each thread gets a stack of its own.
// Needs Debian's clang and lld: `apt-get install clang lld`. `--check` builds into memory and fails
// if the committed modules differ (tests/engine/cpu/kernels.test.ts checks the same).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCE = 'src/engine/cpu/kernels.c';
export const MODULE_FILE = 'src/engine/cpu/kernels-wasm.ts';

/** A module's bytes as clang builds them from SOURCE; `shared`: on a shared memory, for threads. */
function build(shared: boolean): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kernels-'));
  try {
    const out = join(dir, 'kernels.wasm');
    execFileSync('clang', [
      '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-Wall', '-Werror', ...(shared ? ['-matomics', '-mmutable-globals'] : []),
      '-Wl,--no-entry', '-Wl,--export-dynamic', '-Wl,--export=__heap_base', '-Wl,--import-memory', '-Wl,--max-memory=4294967296',
      ...(shared ? ['-Wl,--shared-memory', '-Wl,--export=__stack_pointer'] : []),
      '-o', out, SOURCE,
    ], { stdio: ['ignore', 'inherit', 'inherit'] });
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The committed file's text for the two builds. */
export function kernelsModuleSource(): string {
  const literal = (bytes: Uint8Array) => (Buffer.from(bytes).toString('base64').match(/.{1,100}/g) ?? []).map((l) => `  '${l}'`).join(' +\n');
  return (
    `// Built from kernels.c by tools/build-kernels.ts: do not edit.\n` +
    `export const KERNELS_WASM_BASE64 =\n${literal(build(false))};\n` +
    `/** The same on a shared memory (threads). */\nexport const KERNELS_SHARED_WASM_BASE64 =\n${literal(build(true))};\n`
  );
}

if (process.argv[1]?.endsWith('build-kernels.ts')) {
  const source = kernelsModuleSource();
  if (process.argv.includes('--check')) {
    if (readFileSync(MODULE_FILE, 'utf8') !== source) {
      console.error(`${MODULE_FILE} is not what ${SOURCE} builds: run npx tsx tools/build-kernels.ts`);
      process.exit(1);
    }
  } else writeFileSync(MODULE_FILE, source);
}
