// The GLM Pocket CLI: the engine in Node (onnxruntime-web's wasm backend).
//   glm eval     --model DIR [--file tools/demo/eval.json] [--sampled [--seed N]] -> a line per prompt, a pass rate per class, then {"passed": n, "total": m, "passRate": r}
//   glm import   --repo OWNER/NAME --out DIR [--endpoint URL] [--revision main] [--quant q4] [--token T]
//   glm import   --gguf URL|FILE|NAME --out DIR [--repo OWNER/NAME ...]
//   glm logits   --model DIR --ids 5,9,17 [--quant q4]          -> {"logits": [[...], ...]}
//   glm generate --model DIR --ids 5,9,17 --max-new-tokens N [--greedy | --seed N ...] -> {"ids": [...]}
//   glm chat     --model DIR [--prompt "..."] [--system "..."]  -> streamed reply, then a line of figures
//                (without --prompt, each line of standard input is the next turn of one conversation)
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openCheckpoint, type Checkpoint } from '../src/engine/formats/checkpoint';
import type { CheckpointFiles } from '../src/engine/io/files';
import { openGguf, type GgufCheckpoint } from '../src/engine/formats/gguf';
import { httpFiles } from '../src/engine/io/http-files';
import { CHAT_DEFAULTS } from '../src/engine/defaults';
import type { LocalEngine, ReplyOptions } from '../src/engine/engine';
import type { GenerationStats } from '../src/engine/generation/generate';
import { checkHubLocation, hubFiles } from '../src/engine/io/hub';
import { importDifference, importIdentity, sameImport, type ImportIdentity } from '../src/engine/formats/pack/resume';
import { writePack, type WrittenSoFar } from '../src/engine/formats/pack/write';
import type { ChatMessage } from '../src/engine/generation/tokenizer';
import { WEIGHT_FORMATS, type WeightFormat } from '../src/engine/formats/weights';
import { appSampling, classRates, DEFAULT_EVAL_FILE, readEvalCases, runEval, turnsOf } from './eval';
import { FormatError, nodeEngine, type DiskModel } from './node-engine';
import { folderFiles, folderSink } from './node-files';
import { reportError, usage, UsageError } from './usage';

const USAGE = `usage: glm <logits|generate|chat|eval> --model DIR [options]
       glm import --repo OWNER/NAME --out DIR [--endpoint URL] [--revision REV] [--quant q4|q8|f16|f32] [--token T]
       glm import --gguf URL|FILE|NAME --out DIR [--repo OWNER/NAME ...] [--quant ...]
  --model DIR                a Hugging Face checkpoint folder, a pack folder (npm run convert), or a .gguf file
  --gguf                     import a GGUF file: a URL, a local file, or a file name in --repo
  --quant f32|f16|q8|q4      weight format for a checkpoint (default q4; a pack has its own)
  --ids 5,9,17               input token ids (logits, generate)
  --prompt TEXT              user message (chat; without it, each line of standard input is a turn)
  --system TEXT              system prompt (chat)
  --json                     chat: one JSON line per turn (text, promptIds, ids, droppedMessages, stats)
  --context N                context length in tokens (chat default ${CHAT_DEFAULTS.contextTokens}, as in the app)
  --max-new-tokens N         default ${CHAT_DEFAULTS.maxNewTokens}
  --greedy                   take the most likely token; otherwise sample with:
  --temperature T --top-k K --top-p P --repetition-penalty R --seed N
  --file FILE                evaluation prompts (eval; default ${DEFAULT_EVAL_FILE})
  --sampled                  eval: sample as the app does by default (temperature ${CHAT_DEFAULTS.temperature}, top-p ${CHAT_DEFAULTS.topP}, --seed N); otherwise greedy
  --onnxruntime              run q4/q8 on onnxruntime's kernels instead of GLM Pocket's CPU kernels
  --segment-size N           decoder layers per ONNX session, with --onnxruntime (default: all)
  --threads N                threads (default: cores, at most 4)`;

const OPTIONS = {
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    quant: { type: 'string' },
    ids: { type: 'string' },
    prompt: { type: 'string' },
    system: { type: 'string' },
    'max-new-tokens': { type: 'string', default: String(CHAT_DEFAULTS.maxNewTokens) },
    greedy: { type: 'boolean', default: false },
    sampled: { type: 'boolean', default: false },
    temperature: { type: 'string', default: String(CHAT_DEFAULTS.temperature) },
    'top-k': { type: 'string', default: '0' },
    'top-p': { type: 'string', default: String(CHAT_DEFAULTS.topP) },
    'repetition-penalty': { type: 'string', default: '1' },
    seed: { type: 'string' },
    'segment-size': { type: 'string' },
    file: { type: 'string' },
    repo: { type: 'string' },
    gguf: { type: 'string' },
    endpoint: { type: 'string' },
    revision: { type: 'string' },
    token: { type: 'string' },
    out: { type: 'string' },
    threads: { type: 'string' },
    context: { type: 'string' },
    json: { type: 'boolean', default: false },
    onnxruntime: { type: 'boolean', default: false },
  },
} as const;

/** The command line; a malformed one is a usage error (exit 2), like every other option error. */
function parseCommandLine(): ReturnType<typeof parseArgs<typeof OPTIONS>> {
  return usage(() => parseArgs(OPTIONS));
}

let positionals: string[] = [];
let values = {} as ReturnType<typeof parseCommandLine>['values'];

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return n;
}

function parseIds(text: string | undefined): number[] {
  if (!text) throw new UsageError('--ids is required, e.g. --ids 5,9,17');
  const parts = text.split(',').map((s) => s.trim());
  const ids = parts.map(Number);
  if (parts.some((part, i) => !/^\d+$/.test(part) || !Number.isSafeInteger(ids[i]))) throw new UsageError(`--ids must be comma-separated token ids, got "${text}"`);
  return ids;
}

/** The engine with the model of --model loaded, as the app loads it (the same load plan). */
async function loadModel(defaultContext?: number): Promise<LocalEngine<DiskModel>> {
  if (!values.model) throw new UsageError('--model DIR is required');
  const engine = nodeEngine();
  const location = { path: values.model, format: values.quant as WeightFormat | undefined };
  await engine
    .load({
      location,
      backend: 'wasm',
      threads: number('threads', values.threads),
      cpuKernels: !values.onnxruntime,
      segmentSize: number('segment-size', values['segment-size']),
      maxSequenceLength: number('context', values.context) ?? defaultContext,
    })
    .catch((error: Error) => {
      throw error instanceof FormatError ? new UsageError(error.message) : error;
    });
  return engine;
}

function replyOptions(): ReplyOptions {
  return {
    maxNewTokens: number('max-new-tokens', values['max-new-tokens'])!,
    greedy: values.greedy,
    temperature: number('temperature', values.temperature),
    topK: number('top-k', values['top-k']),
    topP: number('top-p', values['top-p']),
    repetitionPenalty: number('repetition-penalty', values['repetition-penalty']),
    seed: number('seed', values.seed),
  };
}

async function logitsCommand(): Promise<void> {
  const ids = parseIds(values.ids);
  const { logits, vocabSize: V } = await (await loadModel()).logits(ids);
  const rows = Array.from({ length: ids.length }, (_, i) => Array.from(logits.subarray(i * V, (i + 1) * V)));
  process.stdout.write(JSON.stringify({ logits: rows }) + '\n');
}

async function generateCommand(): Promise<void> {
  const ids = parseIds(values.ids);
  const result = await (await loadModel()).generate(ids, replyOptions());
  process.stdout.write(JSON.stringify({ ids: result.ids }) + '\n');
}

function formatStats(s: GenerationStats): string {
  return `[prompt ${s.promptTokens} tokens · first token ${s.timeToFirstTokenMs.toFixed(0)} ms · prefill ${s.prefillTokensPerSecond.toFixed(1)} tokens/s · decode ${s.decodeTokensPerSecond.toFixed(1)} tokens/s · ${s.generatedTokens} tokens]`;
}

/** The user's turns: --prompt, or one per line of standard input (a conversation, as in the app). */
async function* userTurns(): AsyncGenerator<string> {
  if (values.prompt !== undefined) {
    yield values.prompt;
    return;
  }
  const lines = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stderr : undefined, prompt: '> ' });
  if (process.stdin.isTTY) lines.prompt();
  for await (const line of lines) {
    if (line.trim()) yield line;
    if (process.stdin.isTTY) lines.prompt();
  }
}

/**
 * A conversation with the model, through the engine's chat exactly as the app runs it: the same
 * context window, cache reuse and load plan. --json prints one line per turn with the prompt's and
 * the reply's token ids.
 */
async function chatCommand(): Promise<void> {
  const engine = await loadModel(CHAT_DEFAULTS.contextTokens);
  const messages: ChatMessage[] = values.system ? [{ role: 'system', content: values.system }] : [];
  for await (const turn of userTurns()) {
    messages.push({ role: 'user', content: turn });
    let text = '';
    const { result } = engine.chat(messages, replyOptions(), (piece) => {
      text += piece;
      if (!values.json) process.stdout.write(piece);
    });
    const { stats, droppedMessages, promptIds, ids } = await result;
    messages.push({ role: 'assistant', content: text.trim() });
    if (values.json) process.stdout.write(JSON.stringify({ text, promptIds, ids, droppedMessages, stats }) + '\n');
    else process.stdout.write('\n' + formatStats(stats) + (droppedMessages ? ` [${droppedMessages} older messages left the context]` : '') + '\n');
  }
}

async function evalCommand(): Promise<void> {
  const cases = await readEvalCases(values.file ?? DEFAULT_EVAL_FILE);
  // Greedy by default; --sampled samples as the app does by default (temperature, top-p; --seed N).
  const sampling = values.sampled ? appSampling(number('seed', values.seed)) : { greedy: true };
  const results = await runEval(await loadModel(), cases, sampling);
  for (const r of results) process.stdout.write(`${r.passed ? 'pass' : 'FAIL'}  [${r.class}] ${turnsOf(r).join(' / ')}  ->  ${r.reply.replace(/\s+/g, ' ').slice(0, 120)}\n`);
  const rates = classRates(results);
  for (const r of rates) process.stdout.write(`${r.class.padEnd(18)} ${String(r.passed).padStart(3)}/${String(r.total).padEnd(3)} ${(r.passRate * 100).toFixed(1)}%\n`);
  const all = rates[rates.length - 1];
  process.stdout.write(JSON.stringify({ passed: all.passed, total: all.total, passRate: all.passRate }) + '\n');
}

/** A GGUF given as a URL (read with Range requests) or a local file. */
function ggufLocation(location: string, token: string | undefined): { files: CheckpointFiles; file: string } {
  if (/^https?:\/\//.test(location)) {
    const url = new URL(location);
    const file = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    return { files: httpFiles(new URL('.', url).href, { headers: token ? { Authorization: `Bearer ${token}` } : {} }), file };
  }
  return { files: folderFiles(dirname(location)), file: basename(location) };
}

/** `.import-progress.json`: what an interrupted import is importing, and what it wrote. */
interface ImportProgressFile {
  identity: ImportIdentity;
  soFar: WrittenSoFar;
}

/** Converts a repository read over HTTP (Range requests) into a pack folder; a rerun resumes. */
async function importCommand(): Promise<void> {
  if (!(values.repo || values.gguf) || !values.out) throw new UsageError('--repo OWNER/NAME (or --gguf) and --out DIR are required');
  const format = (values.quant ?? 'q4') as WeightFormat;
  if (!WEIGHT_FORMATS.includes(format)) throw new UsageError(`--quant must be one of ${WEIGHT_FORMATS.join(', ')}`);
  const out = values.out;
  const token = values.token ?? process.env.HF_TOKEN;
  const location = values.repo ? usage(() => checkHubLocation({ repo: values.repo!, endpoint: values.endpoint, revision: values.revision, token })) : null;
  const hub = location ? hubFiles(location) : null;
  let checkpoint: Checkpoint | GgufCheckpoint;
  let source: string;
  if (values.gguf) {
    const { files, file } = hub ? { files: hub, file: values.gguf } : ggufLocation(values.gguf, token);
    checkpoint = await openGguf(files, file);
    source = location ? `${location.endpoint}/${location.repo}@${location.revision}/${file}` : /^https?:\/\//.test(values.gguf) ? values.gguf : resolve(values.gguf);
  } else {
    checkpoint = await openCheckpoint(hub!);
    source = `${location!.endpoint}/${location!.repo}@${location!.revision}`;
  }
  const identity = await importIdentity(checkpoint, source, format);
  const progressFile = join(out, '.import-progress.json');
  const progress = await readFile(progressFile, 'utf8').then((t) => JSON.parse(t) as ImportProgressFile, () => undefined);
  if (progress && !sameImport(progress.identity, identity)) {
    throw new UsageError(`${out} holds an unfinished import that is not this one: ${importDifference(progress.identity, identity)}. Resume that import, or remove ${out} (or choose another --out) to start this one`);
  }
  const name = values.gguf ? basename(values.gguf).replace(/\.gguf$/i, '') : values.repo!.split('/')[1];
  const manifest = await writePack(checkpoint, format, folderSink(out), {
    id: `${name}-${format}`,
    name: `${name} (${format})`,
    resume: progress?.soFar,
    onWritten: (soFar) => writeFile(progressFile, JSON.stringify({ identity, soFar } satisfies ImportProgressFile)),
    onProgress: (done, total) => process.stderr.write(`\rimporting ${name}: part ${done} of ${total}`),
  });
  await rm(progressFile, { force: true });
  process.stderr.write('\n');
  console.log(`wrote pack ${manifest.id} to ${out}: ${(manifest.totalBytes / 1e6).toFixed(1)} MB`);
}

const commands: Record<string, () => Promise<void>> = { logits: logitsCommand, generate: generateCommand, chat: chatCommand, eval: evalCommand, import: importCommand };

try {
  ({ positionals, values } = parseCommandLine());
  const command = commands[positionals[0] ?? ''];
  if (!command) throw new UsageError(positionals[0] ? `unknown command "${positionals[0]}"` : 'no command given');
  await command();
} catch (error) {
  reportError(error, USAGE);
}
