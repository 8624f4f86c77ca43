// llama.cpp (through @wllama/wllama: its own wasm, in this Chromium, offline) and GLM Pocket (the GGUF
// imported as in the app) run the same tiny GLM GGUF written by tools/gguf-writer.ts: an implementation
// we did not write checks the chatglm mapping (rotary pairs, fused gate_up order, GQA, norms) in both
// GLM shapes. Both must choose the float64 reference's greedy tokens on the Hugging Face checkpoint the
// file was written from, and give its log-probabilities.
import { expect, test, type Page } from '@playwright/test';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { byteLevelAlphabet, byteLevelTokenizerJson, specialTokenId, writeGlmCheckpoint, type CheckpointShape } from '../tools/checkpoint-writer';
import { writeGguf } from '../tools/gguf-writer';
import { folderFiles } from '../tools/node-files';
import { listen, staticHandler } from '../tools/serve';
import { loadReferenceWeights, referenceLogits } from '../tests/reference/glm-reference';

/** Greedy steps compared. */
const STEPS = 40;
/** Log-probabilities llama.cpp reports per step (its most likely tokens, before sampling). */
const TOP = 10;
const PROMPT = ['[gMASK]', '<sop>', '<|user|>', ...'\nHow far is the moon from GLM Pocket?', '<|assistant|>', '\n'];
const SHAPES: { shape: CheckpointShape; seed: number; what: string }[] = [
  { shape: 'glm-4-9b', seed: 151, what: 'partial rotary 0.5, q/k/v bias, untied lm_head' },
  { shape: 'glm-edge', seed: 152, what: 'full rotary, tied embeddings' },
];

/** The prompt as llama.cpp takes it, text: special tokens whole, every other character one byte token. */
const promptText = PROMPT.join('');
/** The same prompt as ids: special tokens after the 256 byte tokens, a byte's token id is the byte. */
const promptIds = PROMPT.map((t) => (t.length > 1 ? specialTokenId(t) : t.charCodeAt(0)));

/**
 * A byte-level vocabulary of the ASCII bytes only (ids 0-127; 128-255 become the GGUF's unused
 * [PADn]): wllama serializes each step's token text as JSON, which throws on a token that is not
 * valid UTF-8 on its own (bytes 128-255 as single tokens).
 */
function asciiTokenizer(): object {
  const vocab: Record<string, number> = {};
  byteLevelAlphabet()
    .slice(0, 128)
    .forEach((c, id) => (vocab[c] = id));
  const json = byteLevelTokenizerJson(vocab, []) as { added_tokens: { id: number; content: string }[] };
  json.added_tokens = json.added_tokens.map((t) => ({ ...t, id: specialTokenId(t.content) }));
  return json;
}

/**
 * Multiplies the checkpoint's attention and MLP outputs (o_proj, down_proj) by 16, exactly (bf16
 * exponent + 4): the layers then outweigh the token's own embedding in the residual stream, so a tied
 * model does not just repeat its last token, and its greedy choices depend on every mapping.
 */
async function strengthenLayers(dir: string): Promise<void> {
  const file = join(dir, 'model.safetensors');
  const bytes = new Uint8Array(await readFile(file));
  const headerBytes = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerBytes))) as Record<string, { data_offsets: [number, number] }>;
  for (const [name, entry] of Object.entries(header)) {
    if (!/(o_proj|down_proj)\.weight$/.test(name)) continue;
    const [start, end] = entry.data_offsets;
    const bits = new Uint16Array(bytes.buffer, 8 + headerBytes + start, (end - start) / 2);
    for (let i = 0; i < bits.length; i++) if (bits[i] & 0x7fff) bits[i] += 4 << 7;
  }
  await writeFile(file, bytes);
}

let server: Server;
let baseUrl: string;
let root: string;

test.beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'glm-wllama-'));
  for (const { shape, seed } of SHAPES) {
    await writeGlmCheckpoint(join(root, shape), { shape, seed });
    await strengthenLayers(join(root, shape));
    await writeFile(join(root, shape, 'tokenizer.json'), JSON.stringify(asciiTokenizer()));
    await mkdir(join(root, 'hub', shape), { recursive: true });
    await writeGguf(join(root, shape), join(root, 'hub', shape, `${shape}-F32.gguf`), { type: 'F32' });
  }
  const mounts = Object.fromEntries([...SHAPES.map(({ shape }) => [`/hub/test/${shape}/resolve/main/`, join(root, 'hub', shape)]), ['/wllama/', 'node_modules/@wllama/wllama/esm/']]);
  ({ server, url: baseUrl } = await listen(createServer(staticHandler({ root: 'dist', mounts }))));
});
test.afterAll(() => server?.close());

interface LlamaRun {
  promptTokens: number;
  eog: number[];
  ids: number[];
  /** Per step: llama.cpp's TOP most likely tokens and their log-probabilities (raw logits, before any bias). */
  top: { id: number; logprob: number }[][];
}

/** llama.cpp's greedy run of the prompt text (its end-of-generation tokens banned, as ignore_eos does). */
function llamaCpp(page: Page, gguf: string): Promise<LlamaRun> {
  return page.evaluate(
    async ({ gguf, prompt, steps, top }) => {
      const { Wllama } = await import(/* @vite-ignore */ `${location.origin}/wllama/index.js`);
      const wllama = new Wllama({ default: '/wllama/wasm/wllama.wasm' }, { allowOffline: true, suppressNativeLog: true });
      wllama.setCompat(null); // the default fetches a compat build from a CDN
      const blob = await (await fetch(gguf)).blob();
      // f32 KV cache and no flash attention: llama.cpp's own rounding stays close to f32 throughout.
      await wllama.loadModel([blob], { n_ctx: 256, n_threads: 1, n_gpu_layers: 0, cache_type_k: 'f32', cache_type_v: 'f32', flash_attn: false, warmup: false });
      const result = await wllama.createCompletion({ prompt, max_tokens: steps, temperature: 0, ignore_eos: true, n_probs: top });
      const content = result.choices[0].logprobs.content as { id: number; top_logprobs: { id: number; logprob: number }[] }[];
      const run = { promptTokens: result.usage.prompt_tokens, eog: wllama.getLoadedContextInfo().list_tokens_eog, ids: content.map((c) => c.id), top: content.map((c) => c.top_logprobs.map(({ id, logprob }) => ({ id, logprob }))) };
      await wllama.exit();
      return run;
    },
    { gguf, prompt: promptText, steps: STEPS, top: TOP },
  );
}

/** GLM Pocket's greedy run: the GGUF imported from a hub-style endpoint (f32, as stored), then one token at a time, `banned` never chosen. */
async function pocket(page: Page, shape: string, banned: number[]): Promise<{ ids: number[]; logits: number[][] }> {
  return page.evaluate(
    async ({ endpoint, shape, prompt, steps, banned }) => {
      const engine = (globalThis as any).glmPocketEngine;
      const packs: { id: string; name: string }[] = await engine.importRepo({ repo: `test/${shape}`, endpoint, format: 'f32', gguf: `${shape}-F32.gguf` });
      const pack = packs.find((p) => p.name === `${shape}-F32 (f32)`)!;
      await engine.load({ location: { kind: 'pack', id: pack.id }, backend: 'wasm', threads: 1 });
      const ids: number[] = [];
      const logits: number[][] = [];
      let { logits: rows, vocabSize } = await engine.logits(prompt);
      for (let step = 0; step < steps; step++) {
        const row = Array.from((rows as Float32Array).subarray(rows.length - vocabSize));
        let best = -1;
        row.forEach((v, id) => {
          if (!banned.includes(id) && (best < 0 || v > row[best])) best = id;
        });
        ids.push(best);
        logits.push(row);
        ({ logits: rows } = await engine.logits([best], true));
      }
      return { ids, logits };
    },
    { endpoint: `${baseUrl}hub`, shape, prompt: promptIds, steps: STEPS, banned },
  );
}

/** The float64 reference's greedy run on the Hugging Face checkpoint (the whole sequence recomputed each step). */
async function reference(shape: string, banned: number[]): Promise<{ ids: number[]; margins: number[] }> {
  const checkpoint = await openCheckpoint(folderFiles(join(root, shape)));
  const weights = await loadReferenceWeights(checkpoint);
  const sequence = [...promptIds];
  const margins: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const row = referenceLogits(checkpoint.config, weights, sequence).at(-1)!;
    const allowed = [...row.keys()].filter((id) => !banned.includes(id)).sort((a, b) => row[b] - row[a]);
    margins.push(row[allowed[0]] - row[allowed[1]]);
    sequence.push(allowed[0]);
  }
  return { ids: sequence.slice(promptIds.length), margins };
}

function logSoftmax(row: number[]): number[] {
  const max = Math.max(...row);
  const logSum = max + Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0));
  return row.map((v) => v - logSum);
}

for (const { shape, what } of SHAPES) {
  test(`${shape} (${what}): llama.cpp and GLM Pocket choose the reference's ${STEPS} greedy tokens from the same GGUF, with its log-probabilities`, async ({ page }) => {
    await page.goto(baseUrl);
    await expect(page.getByText('GLM Pocket demo ready')).toBeVisible({ timeout: 60_000 });
    const llama = await llamaCpp(page, `/hub/test/${shape}/resolve/main/${shape}-F32.gguf`);
    expect(llama.promptTokens, 'llama.cpp tokenized the prompt text into the prompt ids').toBe(promptIds.length);
    expect(llama.eog).toEqual(expect.arrayContaining([specialTokenId('<|endoftext|>'), specialTokenId('<|user|>')]));
    const ours = await pocket(page, shape, llama.eog);
    const expected = await reference(shape, llama.eog);

    expect(llama.ids, 'llama.cpp against the float64 reference').toEqual(expected.ids);
    expect(ours.ids, 'GLM Pocket against the float64 reference').toEqual(expected.ids);
    let maxDiff = 0;
    llama.top.forEach((entries, step) => {
      const logprobs = logSoftmax(ours.logits[step]);
      const ourTop = logprobs.indexOf(Math.max(...logprobs));
      expect(entries[0].id, `step ${step}: most likely token before the ban`).toBe(ourTop);
      for (const { id, logprob } of entries) maxDiff = Math.max(maxDiff, Math.abs(logprob - logprobs[id]));
    });
    // The tokens are decisive: at every step the reference's first choice leads its second by far more
    // than the two runtimes differ, so equal tokens are not luck and a mapping error would show.
    const minMargin = Math.min(...expected.margins);
    test.info().annotations.push({ type: 'agreement', description: `max |log p difference| ${maxDiff.toExponential(2)} over the top ${TOP} of ${STEPS} steps; smallest greedy margin ${minMargin.toFixed(3)}` });
    expect(maxDiff).toBeLessThan(1e-3);
    expect(minMargin).toBeGreaterThan(20 * maxDiff);
  });
}
