// The CLI contract other checks rely on: one JSON line for logits and generate, a streamed chat
// ending with a line of figures, and clear errors with a non-zero exit.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../src/engine/formats/checkpoint';
import { writeGguf } from '../../tools/gguf-writer';
import { folderFiles } from '../../tools/node-files';
import { listen, startServer, staticHandler } from '../../tools/serve';
import { fixtureDir, flatten, relativeError } from '../helpers';
import { loadReferenceWeights, referenceLogits } from '../reference/glm-reference';

const run = promisify(execFile);

async function glm(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'tools/glm.ts', ...args], { maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('glm CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fixtureDir({ shape: 'glm-edge', seed: 31 });
  });

  test('logits prints one JSON line with a vocab-wide row per input position, matching the reference', async () => {
    const { stdout, code } = await glm('logits', '--model', dir, '--ids', '5,9,17', '--quant', 'f32');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const { logits } = JSON.parse(stdout) as { logits: number[][] };
    expect(logits).toHaveLength(3);
    const checkpoint = await openCheckpoint(folderFiles(dir));
    expect(logits[0]).toHaveLength(checkpoint.config.vocabSize);
    const expected = flatten(referenceLogits(checkpoint.config, await loadReferenceWeights(checkpoint), [5, 9, 17]));
    expect(relativeError(logits.flat(), expected)).toBeLessThan(1e-4);
  });

  test('generate prints the new ids; greedy is deterministic and a seed reproduces a sample', async () => {
    const greedy = await glm('generate', '--model', dir, '--ids', '5,9,17', '--max-new-tokens', '5', '--greedy', '--quant', 'q8');
    expect(greedy.code).toBe(0);
    const ids = JSON.parse(greedy.stdout).ids as number[];
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(5);
    const sampled = () => glm('generate', '--model', dir, '--ids', '5,9,17', '--max-new-tokens', '6', '--seed', '42');
    expect(JSON.parse((await sampled()).stdout)).toEqual(JSON.parse((await sampled()).stdout));
  });

  test('chat streams a reply and ends with the figures line', async () => {
    const { stdout, code } = await glm('chat', '--model', dir, '--prompt', 'Hello', '--max-new-tokens', '4', '--greedy');
    expect(code).toBe(0);
    const last = stdout.trim().split('\n').pop()!;
    expect(last).toMatch(/^\[prompt 9 tokens · first token \d+ ms · prefill [\d.]+ tokens\/s · decode [\d.]+ tokens\/s · \d tokens\]$/);
  });

  test('import converts a repository served Hugging Face-style into a pack the CLI runs like the checkpoint', async () => {
    const { server, url } = await startServer({ root: dir, mounts: { '/zai-org/tiny/resolve/main/': dir } });
    try {
      const out = `${dir}-imported`;
      const imported = await glm('import', '--repo', 'zai-org/tiny', '--endpoint', url, '--quant', 'q8', '--out', out);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/wrote pack tiny-q8 to/);
      const fromPack = await glm('logits', '--model', out, '--ids', '4,5,6');
      const fromCheckpoint = await glm('logits', '--model', dir, '--ids', '4,5,6', '--quant', 'q8');
      expect(fromPack.stdout).toBe(fromCheckpoint.stdout);
      const wrongQuant = await glm('logits', '--model', out, '--ids', '4', '--quant', 'q4');
      expect(wrongQuant.stderr).toMatch(/is a q8 pack; convert the checkpoint again for q4/);
    } finally {
      server.close();
    }
  });

  test('import --gguf takes a GGUF by URL or file; --model runs a .gguf directly, with the same logits', async () => {
    const gguf = join(`${dir}-gguf`, 'tiny-Q8_0.gguf');
    await mkdir(dirname(gguf), { recursive: true });
    await writeGguf(dir, gguf, { type: 'Q8_0' });
    const { server, url } = await startServer({ root: dirname(gguf) });
    try {
      const out = `${dir}-from-gguf`;
      const imported = await glm('import', '--gguf', `${url}tiny-Q8_0.gguf`, '--quant', 'q8', '--out', out);
      expect(imported.stderr).not.toMatch(/error/);
      expect(imported.stdout).toMatch(/wrote pack tiny-Q8_0-q8 to/);
      const fromPack = await glm('logits', '--model', out, '--ids', '4,5,6');
      const fromFile = await glm('logits', '--model', gguf, '--ids', '4,5,6', '--quant', 'q8');
      expect(fromFile.code).toBe(0);
      expect(fromPack.stdout).toBe(fromFile.stdout);
      const local = await glm('import', '--gguf', gguf, '--quant', 'q8', '--out', `${out}-local`);
      expect(local.code).toBe(0);
    } finally {
      server.close();
    }
  });

  test('an interrupted import resumes only into the same import: another repository or format is refused', async () => {
    const other = await fixtureDir({ shape: 'glm-edge', seed: 32 });
    const files = staticHandler({ root: dir, mounts: { '/x/x/resolve/main/': dir, '/other/other/resolve/main/': other } });
    let weightReads = 0;
    let failAfter = Infinity;
    const { server, url } = await listen(
      createServer((req, res) => {
        // A refusal (not a drop, which would be retried) stops the import part way through.
        if (req.url?.endsWith('.safetensors') && weightReads++ >= failAfter) return void res.writeHead(403).end();
        void files(req, res);
      }),
    );
    try {
      const out = `${dir}-resume`;
      const importing = (repo: string, quant: string) => glm('import', '--repo', repo, '--endpoint', url, '--quant', quant, '--out', out);
      failAfter = 12;
      expect((await importing('x/x', 'q8')).code).toBe(1);
      failAfter = Infinity;
      const otherRepo = await importing('other/other', 'q8');
      expect(otherRepo.code).toBe(2);
      expect(otherRepo.stderr).toMatch(/holds an unfinished import that is not this one: it imports http:\/\/localhost:\d+\/x\/x@main, not http:\/\/localhost:\d+\/other\/other@main/);
      const otherQuant = await importing('x/x', 'q4');
      expect(otherQuant.code).toBe(2);
      expect(otherQuant.stderr).toMatch(/it imports as q8, not q4/);
      expect((await importing('x/x', 'q8')).code).toBe(0);
      const fromPack = await glm('logits', '--model', out, '--ids', '4,5,6');
      expect(fromPack.stdout).toBe((await glm('logits', '--model', dir, '--ids', '4,5,6', '--quant', 'q8')).stdout);
    } finally {
      server.close();
    }
  });

  test('an index that maps a tensor outside the folder is refused (exit 1), and nothing outside is opened', async () => {
    const sharded = await fixtureDir({ shape: 'glm-edge', seed: 33, shards: 2 });
    const indexFile = join(sharded, 'model.safetensors.index.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as { weight_map: Record<string, string> };
    index.weight_map[Object.keys(index.weight_map)[0]] = '../../../../etc/hostname';
    await writeFile(indexFile, JSON.stringify(index));
    const result = await glm('logits', '--model', sharded, '--ids', '1');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: model\.safetensors\.index\.json: weight_map\[".+"\] is "\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname": it must be the name of a file/);
  });

  test('option errors are usage errors (exit 2) with the usage, never a stack trace', async () => {
    for (const args of [
      ['logits', '--model', dir, '--ids', '1,,2'],
      ['logits', '--model', dir, '--ids', '1.5'],
      ['logits', '--model', dir, '--ids', '1', '--no-such-option'],
      ['logits', '--model'],
      ['import', '--repo', '../x', '--out', `${dir}-x`],
    ]) {
      const result = await glm(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/usage: glm/);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  test('bad input exits non-zero with a message, not a stack trace', async () => {
    const missing = await glm('logits', '--model', '/nonexistent/model', '--ids', '1');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: config.json: not found in /nonexistent/model');
    const badQuant = await glm('logits', '--model', dir, '--ids', '1', '--quant', 'q3');
    expect(badQuant.code).toBe(2);
    expect(badQuant.stderr).toMatch(/--quant must be one of f32, f16, q8, q4/);
    const badIds = await glm('logits', '--model', dir, '--ids', 'a,b');
    expect(badIds.stderr).toMatch(/--ids must be comma-separated token ids/);
    const outside = await glm('logits', '--model', dir, '--ids', '99999');
    expect(outside.stderr).toMatch(/token id 99999 is outside the vocabulary/);
  });
});
