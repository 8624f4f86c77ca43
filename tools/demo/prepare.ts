// Demo model, step 1 of 3: from the corpus tools/demo/corpus.ts generates, train a byte-level BPE tokenizer
// on its training split and write both splits tokenized for tools/demo/train.py. Deterministic; not run by npm test or npm start.
//   npx tsx tools/demo/prepare.ts   ->  models/glm-pocket-demo/{tokenizer.json,tokenizer_config.json}, tools/demo/build/{corpus,dataset}.json
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { GlmTokenizer } from '../../src/engine/generation/tokenizer';
import { byteLevelAlphabet, byteLevelTokenizerJson, GLM4_TEMPLATE, SPECIAL_TOKENS } from '../checkpoint-writer';
import { CORPUS_SEED, generateCorpus } from './corpus';

export const MODEL_DIR = 'models/glm-pocket-demo';
const BUILD_DIR = 'tools/demo/build';
const MERGES = 2000;

const PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Byte-level BPE merges learned from the texts (GPT-2 pre-tokenization, most frequent pair first, ties by order). */
function trainBpe(texts: string[], merges: number): { vocab: Record<string, number>; merges: string[] } {
  const alphabet = byteLevelAlphabet();
  const counts = new Map<string, number>();
  const encoder = new TextEncoder();
  for (const text of texts) {
    for (const word of text.match(PRETOKENIZE) ?? []) {
      const symbols = Array.from(encoder.encode(word), (b) => alphabet[b]).join(' ');
      counts.set(symbols, (counts.get(symbols) ?? 0) + 1);
    }
  }
  let words = [...counts.entries()].map(([w, n]) => ({ symbols: w.split(' '), n }));
  const vocab: Record<string, number> = {};
  alphabet.forEach((c, i) => (vocab[c] = i));
  const learned: string[] = [];
  for (let m = 0; m < merges; m++) {
    const pairs = new Map<string, number>();
    for (const { symbols, n } of words) for (let i = 0; i + 1 < symbols.length; i++) pairs.set(`${symbols[i]} ${symbols[i + 1]}`, (pairs.get(`${symbols[i]} ${symbols[i + 1]}`) ?? 0) + n);
    let best = '';
    let bestCount = 1;
    for (const [pair, n] of pairs) if (n > bestCount) [best, bestCount] = [pair, n];
    if (!best) break;
    const [a, b] = best.split(' ');
    learned.push(best);
    vocab[a + b] = Object.keys(vocab).length;
    words = words.map(({ symbols, n }) => {
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) merged.push(a + b), i++;
        else merged.push(symbols[i]);
      }
      return { symbols: merged, n };
    });
  }
  return { vocab, merges: learned };
}

async function main(): Promise<void> {
  const conversations = generateCorpus();
  const corpusText = JSON.stringify(conversations);
  await mkdir(BUILD_DIR, { recursive: true });
  await writeFile(`${BUILD_DIR}/corpus.json`, corpusText);

  const texts = conversations.filter((c) => c.split === 'train').flatMap((c) => [...c.messages.map((m) => m.content), c.reply]);
  // KEEP_TOKENIZER=1 keeps the model's tokenizer, so training can continue from its checkpoint (INIT).
  const kept = process.env.KEEP_TOKENIZER === '1' ? JSON.parse(await readFile(`${MODEL_DIR}/tokenizer.json`, 'utf8')) : null;
  const { vocab, merges } = kept ? { vocab: kept.model.vocab as Record<string, number>, merges: kept.model.merges as string[] } : trainBpe(texts, MERGES);
  const firstSpecial = Object.keys(vocab).length;
  const tokenizerJson = byteLevelTokenizerJson(vocab, merges);
  const tokenizerConfig = { chat_template: GLM4_TEMPLATE, eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', model_max_length: 512, tokenizer_class: 'PreTrainedTokenizerFast' };
  await mkdir(MODEL_DIR, { recursive: true });
  await writeFile(`${MODEL_DIR}/tokenizer.json`, JSON.stringify(tokenizerJson));
  await writeFile(`${MODEL_DIR}/tokenizer_config.json`, JSON.stringify(tokenizerConfig, null, 2));

  // Tokenize with the product's own tokenizer, so training sees exactly what the app will feed.
  const tokenizer = new GlmTokenizer(tokenizerJson, tokenizerConfig);
  const eos = tokenizer.tokenId('<|endoftext|>')!;
  const samples = conversations.map((c) => {
    const prompt = tokenizer.chatPromptIds(c.messages);
    const reply = [...tokenizer.encode(c.reply), eos];
    return { ids: [...prompt, ...reply], replyStart: prompt.length, split: c.split, topic: c.topic, family: c.family };
  });
  const specialIds = Object.fromEntries(SPECIAL_TOKENS.map((token, i) => [token, firstSpecial + i]));
  await writeFile(
    `${BUILD_DIR}/dataset.json`,
    JSON.stringify({
      corpusSeed: CORPUS_SEED,
      corpusSha256: createHash('sha256').update(corpusText).digest('hex'),
      vocabSize: Math.ceil((firstSpecial + SPECIAL_TOKENS.length) / 16) * 16,
      specialIds,
      samples,
    }),
  );
  const lengths = samples.map((s) => s.ids.length);
  console.log(`${samples.length} conversations (${samples.filter((s) => s.split === 'heldout').length} held out), ${merges.length} merges, vocab ${firstSpecial + SPECIAL_TOKENS.length}, tokens per sample max ${Math.max(...lengths)} mean ${(lengths.reduce((a, b) => a + b, 0) / lengths.length).toFixed(0)}`);
}

await main();
