// The embedded demo model: it is a real GLM checkpoint the engine runs exactly as PyTorch does, it
// keeps the rate it reached on its evaluation (written apart from its corpus, with strict key phrases)
// at q8 and q4 and on its corpus's held-out families, and the pack the app ships is the converted
// checkpoint. The floors are the demo's required levels: 80% of the evaluation (the committed model
// measures 91.4% at q4 and q8, models/glm-pocket-demo/README.md) and 80% held out (82.7%).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint, type Checkpoint } from '../../src/engine/formats/checkpoint';
import { loadGlmModel } from '../../src/engine/runtime/model';
import { openPack } from '../../src/engine/formats/pack/read';
import { checkpointSource, type ModelSource } from '../../src/engine/formats/source';
import { LocalEngine } from '../../src/engine/engine';
import { CHAT_DEFAULTS } from '../../src/engine/defaults';
import type { SamplingOptions } from '../../src/engine/generation/sampling';
import { appSampling, classRates, DEFAULT_EVAL_FILE, readEvalCases, runEval, turnsOf, type EvalCase } from '../../tools/eval';
import { generateCorpus, normalQuestion, wordsOf } from '../../tools/demo/corpus';
import { OUT_OF_SCOPE, TOPICS } from '../../tools/demo/topics';
import { nodeHost } from '../../tools/node-engine';
import { folderFiles, packFolder } from '../../tools/node-files';
import { ort, relativeError } from '../helpers';

const MODEL_DIR = 'models/glm-pocket-demo';
const PACK_DIR = 'public/models/glm-pocket-demo-q4';
/** What a retrained model must keep: 80% of the evaluation, 80% of the held-out conversations. */
const EVAL_FLOOR = 0.8;
const HELD_OUT_FLOOR = 0.8;

/** A second evaluation, by a writer who saw only the answers (models/glm-pocket-demo/README.md). */
const FRESH_EVAL_FILE = 'tools/demo/eval-fresh.json';

async function passRate(source: ModelSource, sampling: SamplingOptions = { greedy: true }, file = DEFAULT_EVAL_FILE): Promise<number> {
  const engine = new LocalEngine<ModelSource>({ ...nodeHost, runtime: async () => ort, open: async (opened) => opened });
  await engine.load({ location: source, backend: 'wasm' });
  const results = await runEval(engine, await readEvalCases(file), sampling);
  const failed = results.filter((r) => !r.passed);
  if (failed.length) console.log(`${source.format}: failed ${failed.map((r) => `"${turnsOf(r).join(' / ')}" -> "${r.reply.slice(0, 80)}"`).join('; ')}`);
  console.log(`${source.format}: ${classRates(results).map((r) => `${r.class} ${r.passed}/${r.total}`).join(', ')}`);
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

  test.each(['q8', 'q4'] as const)(`passes at least ${EVAL_FLOOR * 100} percent of its evaluation at %s`, async (format) => {
    const rate = await passRate(checkpointSource(checkpoint, format));
    console.log(`demo ${format}: pass rate ${(rate * 100).toFixed(1)}%`);
    expect(rate).toBeGreaterThanOrEqual(EVAL_FLOOR);
  });

  test(`sampled as the app samples by default (temperature ${CHAT_DEFAULTS.temperature}, top-p ${CHAT_DEFAULTS.topP}), still passes ${EVAL_FLOOR * 100} percent at q4`, async () => {
    const rate = await passRate(checkpointSource(checkpoint, 'q4'), appSampling(1));
    console.log(`demo q4 sampled: pass rate ${(rate * 100).toFixed(1)}%`);
    expect(rate).toBeGreaterThanOrEqual(EVAL_FLOOR);
  });

  test(`passes at least ${EVAL_FLOOR * 100} percent of the second evaluation at q4, none of whose prompts is a corpus or evaluation question`, async () => {
    const asked = new Set(generateCorpus().flatMap((c) => c.messages.filter((m) => m.role === 'user').map((m) => normalQuestion(m.content))));
    for (const c of await readEvalCases(DEFAULT_EVAL_FILE)) for (const p of turnsOf(c)) asked.add(normalQuestion(p));
    const cases = await readEvalCases(FRESH_EVAL_FILE);
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(cases.flatMap(turnsOf).filter((p) => asked.has(normalQuestion(p)))).toEqual([]);
    const rate = await passRate(checkpointSource(checkpoint, 'q4'), { greedy: true }, FRESH_EVAL_FILE);
    console.log(`demo q4, second evaluation: pass rate ${(rate * 100).toFixed(1)}%`);
    expect(rate).toBeGreaterThanOrEqual(EVAL_FLOOR);
  });

  test('the shipped pack is the q4 conversion of the committed checkpoint', async () => {
    const pack = await openPack(packFolder(PACK_DIR));
    const fromPack = await loadGlmModel(pack, { ort });
    const fromCheckpoint = await loadGlmModel(checkpointSource(checkpoint, 'q4'), { ort });
    const ids = [1, 2, 3, 40, 50];
    expect(Array.from(await fromPack.forward(ids, true))).toEqual(Array.from(await fromCheckpoint.forward(ids, true)));
  });

  test(`was trained on the corpus the committed generator makes, and answers ${HELD_OUT_FLOOR * 100} percent of its held-out families`, async () => {
    const training = JSON.parse(await readFile(`${MODEL_DIR}/training.json`, 'utf8'));
    expect(training.corpus_sha256).toBe(createHash('sha256').update(JSON.stringify(generateCorpus())).digest('hex'));
    expect(training.held_out_conversations).toBeGreaterThan(500);
    expect(training.held_out_rate).toBeGreaterThanOrEqual(HELD_OUT_FLOOR);
  });

  test('the held-out split shares no question family with training', () => {
    const corpus = generateCorpus();
    // Single turns: the follow-up families of multi-turn conversations are in both splits, each with its own phrasings.
    const families = (split: string) => new Set(corpus.filter((c) => c.split === split && c.messages.filter((m) => m.role === 'user').length === 1).map((c) => c.family));
    const train = families('train');
    expect([...families('heldout')].filter((f) => train.has(f))).toEqual([]);
    const lastQuestions = (split: string) => new Set(corpus.filter((c) => c.split === split).map((c) => normalQuestion(c.messages[c.messages.length - 1].content)));
    const trainQuestions = lastQuestions('train');
    expect([...lastQuestions('heldout')].filter((q) => trainQuestions.has(q))).toEqual([]);
  });

  test('the synonym swaps are training questions about their source\'s topic, and bring no word that only held-out questions use', () => {
    const corpus = generateCorpus();
    const question = (c: (typeof corpus)[number]) => c.messages[c.messages.length - 1].content;
    const swaps = corpus.filter((c) => c.family.endsWith('/synonym'));
    expect(swaps.length).toBeGreaterThan(1000);
    expect(swaps.filter((c) => c.split !== 'train' || c.lang !== 'en')).toEqual([]);
    const sources = new Map(corpus.filter((c) => c.split === 'train' && !c.family.endsWith('/synonym')).map((c) => [c.family, c.topic]));
    expect(swaps.filter((c) => sources.get(c.family.replace(/\/synonym$/, '')) !== c.topic)).toEqual([]);
    const asked = (split: string) => corpus.filter((c) => c.split === split && !c.family.endsWith('/synonym')).flatMap((c) => c.messages.filter((m) => m.role === 'user').flatMap((m) => wordsOf(m.content)));
    const trained = new Set(asked('train'));
    const heldOnly = new Set(asked('heldout').filter((w) => !trained.has(w)));
    expect(heldOnly.size).toBeGreaterThan(100);
    expect([...new Set(swaps.flatMap((c) => wordsOf(question(c))))].filter((w) => heldOnly.has(w))).toEqual([]);
  });

  test('the evaluation is its own: 80 prompts or more, both languages, out of scope and multi-turn, none a corpus question', async () => {
    const asked = new Set(generateCorpus().flatMap((c) => c.messages.filter((m) => m.role === 'user').map((m) => normalQuestion(m.content))));
    for (const t of TOPICS) for (const q of [...t.en.questions, ...t.zh.questions]) asked.add(normalQuestion(q));
    const cases = await readEvalCases(DEFAULT_EVAL_FILE);
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(cases.filter((c) => c.class.startsWith('zh')).length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.topic === 'out-of-scope').length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => turnsOf(c).length > 1).length).toBeGreaterThanOrEqual(8);
    expect(cases.flatMap(turnsOf).filter((p, i, all) => all.indexOf(p) === i && asked.has(normalQuestion(p)))).toEqual([]);
  });

  test("each case's key phrases are all in its topic's answer, in its language, and never all in another answer", async () => {
    const answers = [...TOPICS.flatMap((t) => [{ topic: t.topic, lang: 'en', text: t.en.answer }, { topic: t.topic, lang: 'zh', text: t.zh.answer }]), { topic: 'out-of-scope', lang: 'en', text: OUT_OF_SCOPE.en }, { topic: 'out-of-scope', lang: 'zh', text: OUT_OF_SCOPE.zh }];
    const passes = (c: EvalCase, text: string) => c.expect.every((phrase) => text.toLowerCase().includes(phrase.toLowerCase()));
    for (const c of [...(await readEvalCases(DEFAULT_EVAL_FILE)), ...(await readEvalCases(FRESH_EVAL_FILE))]) {
      const lang = c.class.split(' ')[0];
      expect(answers.filter((a) => passes(c, a.text)).map((a) => `${a.topic} ${a.lang}`), JSON.stringify(c.prompt)).toEqual([`${c.topic} ${lang}`]);
      expect(c.expect.length, JSON.stringify(c.prompt)).toBeGreaterThanOrEqual(2);
    }
  });
});
