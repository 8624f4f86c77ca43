// The embedded demo model: it is a real GLM checkpoint the engine runs exactly as PyTorch does,
// it passes its evaluation on q8 and q4, and the pack the app ships is the converted checkpoint.
import { readFile, stat } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint, type Checkpoint } from '../../src/engine/formats/checkpoint';
import { loadGlmModel } from '../../src/engine/runtime/model';
import { openPack } from '../../src/engine/formats/pack/read';
import { checkpointSource, type ModelSource } from '../../src/engine/formats/source';
import { LocalEngine } from '../../src/engine/engine';
import { DEFAULT_EVAL_FILE, readEvalCases, runEval } from '../../tools/eval';
import { nodeHost } from '../../tools/node-engine';
import { folderFiles, packFolder } from '../../tools/node-files';
import { ort, relativeError } from '../helpers';

const MODEL_DIR = 'models/glm-pocket-demo';
const PACK_DIR = 'public/models/glm-pocket-demo-q4';

async function passRate(source: ModelSource): Promise<number> {
  const engine = new LocalEngine<ModelSource>({ ...nodeHost, runtime: async () => ort, open: async (opened) => opened });
  await engine.load({ location: source, backend: 'wasm' });
  const results = await runEval(engine, await readEvalCases(DEFAULT_EVAL_FILE));
  const failed = results.filter((r) => !r.passed);
  if (failed.length) console.log(`${source.format}: failed ${failed.map((r) => `"${r.prompt}" -> "${r.reply.slice(0, 80)}"`).join('; ')}`);
  return (results.length - failed.length) / results.length;
}

describe('demo model', () => {
  let checkpoint: Checkpoint;
  beforeAll(async () => {
    checkpoint = await openCheckpoint(folderFiles(MODEL_DIR));
  });

  test('is a small model_type "glm" checkpoint, and its pack is under 10 MB', async () => {
    const c = checkpoint.config;
    const params = c.vocabSize * c.hiddenSize + c.numLayers * (c.hiddenSize * ((c.numHeads + 2 * c.numKvHeads) * c.headDim + c.numHeads * c.headDim + 3 * c.intermediateSize) + 2 * c.hiddenSize) + c.hiddenSize;
    expect(params).toBeLessThan(10_000_000);
    const manifest = JSON.parse(await readFile(`${PACK_DIR}/manifest.json`, 'utf8'));
    expect(manifest.totalBytes).toBeLessThan(10_000_000);
    expect((await stat(`${MODEL_DIR}/model.safetensors`)).size).toBeLessThan(10_000_000);
  });

  test('the engine gives the logits of the PyTorch model that trained it (f32, 1e-4 relative)', async () => {
    const reference = JSON.parse(await readFile('tests/fixtures/demo-reference-logits.json', 'utf8')) as { ids: number[]; logits: number[][] };
    const model = await loadGlmModel(checkpointSource(checkpoint, 'f32'), { ort });
    const logits = await model.forward(reference.ids, true);
    expect(relativeError(logits, reference.logits.flat())).toBeLessThan(1e-4);
  });

  test.each(['q8', 'q4'] as const)('passes at least 80 percent of its evaluation at %s', async (format) => {
    const rate = await passRate(checkpointSource(checkpoint, format));
    console.log(`demo ${format}: pass rate ${(rate * 100).toFixed(1)}%`);
    expect(rate).toBeGreaterThanOrEqual(0.8);
  });

  test('the shipped pack is the q4 conversion of the committed checkpoint', async () => {
    const pack = await openPack(packFolder(PACK_DIR));
    const fromPack = await loadGlmModel(pack, { ort });
    const fromCheckpoint = await loadGlmModel(checkpointSource(checkpoint, 'q4'), { ort });
    const ids = [1, 2, 3, 40, 50];
    expect(Array.from(await fromPack.forward(ids, true))).toEqual(Array.from(await fromCheckpoint.forward(ids, true)));
  });

  test('no evaluation prompt appears verbatim in the training corpus', async () => {
    const corpus = JSON.parse(await readFile('tools/demo/corpus.json', 'utf8')) as { en: { questions: string[] }; zh: { questions: string[] } }[];
    const questions = new Set(corpus.flatMap((t) => [...t.en.questions, ...t.zh.questions]).map((q) => q.toLowerCase()));
    const cases = await readEvalCases(DEFAULT_EVAL_FILE);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => /[\u4e00-\u9fff]/.test(c.prompt)).length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => questions.has(c.prompt.toLowerCase()))).toEqual([]);
  });
});
