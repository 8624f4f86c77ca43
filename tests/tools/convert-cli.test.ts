// The convert CLI: a bad --chunk-mb is a usage error (exit 2) raised before anything is read or
// written; a good one writes a pack cut into chunks of that size.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { fixtureDir } from '../helpers';

const run = promisify(execFile);

/** Runs tools/convert.ts; a run past 20 s is killed (code null) rather than left writing files. */
async function convert(...args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'tools/convert.ts', ...args], { timeout: 20_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number | null };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('convert CLI', () => {
  let model: string;
  beforeAll(async () => {
    model = await fixtureDir({ shape: 'glm-edge', seed: 32 });
  });

  test.each(['0.0000001', '0', '-4', '0.5', 'abc', 'Infinity'])('--chunk-mb %s is a usage error, exit 2, with nothing written', async (chunkMb) => {
    const out = join(await mkdtemp(join(tmpdir(), 'convert-')), 'pack');
    const { stderr, code } = await convert('--model', model, '--quant', 'q4', '--out', out, `--chunk-mb=${chunkMb}`);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--chunk-mb must be a number of MiB, at least 1/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  test('--chunk-mb 1 writes a pack', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'convert-')), 'pack');
    const { stdout, code } = await convert('--model', model, '--quant', 'q4', '--out', out, '--chunk-mb', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^wrote pack \S+-q4 \(q4\)/);
    expect(await readdir(out)).toContain('manifest.json');
  });
});
