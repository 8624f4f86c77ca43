// File names from an index or from the user never lead outside the model's folder or repository:
// a hostile model.safetensors.index.json cannot read another folder on disk, nor send the user's
// token to another repository on the same host; repository ids and revisions are checked too.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint } from '../../../src/engine/formats/checkpoint';
import { CheckpointError } from '../../../src/engine/errors';
import { httpFiles } from '../../../src/engine/io/http-files';
import { checkHubLocation, hubFiles } from '../../../src/engine/io/hub';
import { folderFiles } from '../../../tools/node-files';
import { listen, staticHandler } from '../../../tools/serve';
import { fixtureDir } from '../../helpers';

const INDEX = 'model.safetensors.index.json';

/** A copy of a sharded checkpoint whose index maps the first tensor of shard 1 to `target`. */
async function withIndexEntry(dir: string, target: unknown): Promise<void> {
  const index = JSON.parse(await readFile(join(dir, INDEX), 'utf8')) as { weight_map: Record<string, unknown> };
  const tensor = Object.keys(index.weight_map)[0];
  index.weight_map[tensor] = target;
  await writeFile(join(dir, INDEX), JSON.stringify(index));
}

describe('file names from a checkpoint index', () => {
  test.each([['../base/model.safetensors'], ['../../../../etc/hostname'], ['/etc/hostname'], ['sub\\..\\..\\x'], ['%2e%2e/x'], [''], ['..'], [42]])(
    'a weight_map entry %j is refused before any file outside the folder is read',
    async (target) => {
      const dir = await fixtureDir({ shape: 'glm-edge', seed: 61, shards: 2 });
      // What the traversal would reach: a complete checkpoint one folder up.
      await mkdir(join(dir, '..', 'base'), { recursive: true });
      await withIndexEntry(dir, target);
      const error = await openCheckpoint(folderFiles(dir)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(/^model\.safetensors\.index\.json: weight_map\[".+"\] is .*: it must be the name of a file in the checkpoint's folder/);
    },
  );

  test('a tensor in two shards is refused, naming both files (the index says which one holds it)', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge', seed: 62, shards: 2 });
    const index = JSON.parse(await readFile(join(dir, INDEX), 'utf8')) as { weight_map: Record<string, string> };
    const [first, second] = [...new Set(Object.values(index.weight_map))].sort();
    // The second shard's header and data stand in for the first too: every tensor of it is now in both.
    await writeFile(join(dir, first), await readFile(join(dir, second)));
    await expect(openCheckpoint(folderFiles(dir))).rejects.toThrow(/holds tensor .*, which model\.safetensors\.index\.json places in|is also in/);
  });

  test('the folder reader refuses any name that leads outside its folder, and names a missing file plainly', async () => {
    const dir = await fixtureDir({ shape: 'glm-edge', seed: 63 });
    const files = folderFiles(dir);
    await expect(files.read('../x', 0, 1)).rejects.toThrow(CheckpointError);
    await expect(files.size('/etc/hostname')).rejects.toThrow(/is not a file name inside the model's folder/);
    await expect(files.read('absent.bin', 0, 1)).rejects.toThrow(/absent\.bin: not found$/);
    await mkdir(join(dir, 'folder.json'));
    await expect(files.size('folder.json')).rejects.toThrow(/folder\.json: is a folder, not a file/);
  });
});

describe('repositories on one host', () => {
  let server: Server;
  let endpoint: string;
  const requests: { url: string; authorization?: string }[] = [];

  beforeAll(async () => {
    const hostile = await fixtureDir({ shape: 'glm-edge', seed: 64, shards: 2 });
    const other = await fixtureDir({ shape: 'glm-edge', seed: 65 });
    await withIndexEntry(hostile, '../../../../other/other/resolve/main/model.safetensors');
    const files = staticHandler({ root: other, mounts: { '/x/x/resolve/main/': hostile, '/other/other/resolve/main/': other } });
    ({ server, url: endpoint } = await listen(
      createServer((req, res) => {
        requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
        void files(req, res);
      }),
    ));
  });
  afterAll(() => server.close());

  test("an index pointing into another repository is refused, and that repository never sees the user's token", async () => {
    requests.length = 0;
    await expect(openCheckpoint(hubFiles({ repo: 'x/x', endpoint, token: 'secret' }))).rejects.toThrow(/weight_map\[".+"\] is "\.\.\/\.\.\/\.\.\/\.\.\/other/);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => !r.url.startsWith('/x/x/resolve/main/'))).toEqual([]);
  });

  test('an HTTP reader sends no request for a name that would climb out of its folder', async () => {
    requests.length = 0;
    const files = httpFiles(`${endpoint}x/x/resolve/main/`);
    await expect(files.size('../../../../other/other/resolve/main/config.json')).rejects.toThrow(CheckpointError);
    await expect(files.read('%2e%2e/config.json', 0, 1)).rejects.toThrow(CheckpointError);
    expect(requests).toEqual([]);
  });

  test.each([['../x'], ['x/..'], ['./x'], ['x'], ['a/b/c'], ['-a/b'], ['a/b.'], ['a//b']])('repository id %j is refused', (repo) => {
    expect(() => checkHubLocation({ repo })).toThrow(/is not a repository id: expected "owner\/name"/);
  });

  test.each([['..'], ['.'], ['']])('revision %j is refused', (revision) => {
    expect(() => checkHubLocation({ repo: 'zai-org/glm-edge-1.5b-chat', revision })).toThrow(/is not a revision/);
  });

  test('real repository ids, branch names and endpoints are accepted', () => {
    expect(checkHubLocation({ repo: 'zai-org/glm-edge-1.5b-chat', revision: 'refs/pr/1', endpoint: 'https://hf-mirror.com/' })).toEqual({
      repo: 'zai-org/glm-edge-1.5b-chat',
      revision: 'refs/pr/1',
      endpoint: 'https://hf-mirror.com',
      token: undefined,
    });
    expect(() => checkHubLocation({ repo: 'THUDM/glm_4', endpoint: 'file:///etc' })).toThrow(/is not an endpoint/);
  });
});
