// Demo model, a helper for the corpus: writes tools/demo/general-words.txt, a seeded sample of English
// words (from Debian's wamerican word list, /usr/share/dict/words) that no question or answer about the
// app uses. tools/demo/corpus.ts puts them in out-of-scope questions, so the model learns that a
// question with no word about GLM Pocket is out of scope, whatever its other words are. One-off:
//   npx tsx tools/demo/make-general-words.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { seededRandom } from '../../src/util/random';
import { CORES, FOLLOW_UPS, TOPICS } from './topics';
import { SMALL_TALK, WORDS } from './words';

const COUNT = 3000;
const appTexts = [
  ...TOPICS.flatMap((t) => [t.en.answer, ...t.en.questions]),
  ...Object.entries(CORES).filter(([k]) => !k.startsWith('out-of-scope')).flatMap(([, c]) => c.en),
  ...Object.entries(WORDS).filter(([k]) => k !== 'out-of-scope').flatMap(([, w]) => [...w.do.en, ...w.what.en]),
  ...Object.values(SMALL_TALK).flatMap((s) => s.en),
  ...FOLLOW_UPS.flatMap((f) => f.en),
];
const appWords = new Set(appTexts.join(' ').toLowerCase().match(/[a-z]+/g));
const stem = (w: string) => w.replace(/(ing|ed|es|s)$/, '');
const appStems = new Set([...appWords].map(stem));
const candidates = readFileSync('/usr/share/dict/words', 'utf8')
  .split('\n')
  .filter((w) => /^[a-z]{4,10}$/.test(w) && !appWords.has(w) && !appStems.has(stem(w)));
const rng = seededRandom(20261202);
for (let i = candidates.length - 1; i > 0; i--) {
  const j = Math.floor(rng() * (i + 1));
  [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
}
writeFileSync('tools/demo/general-words.txt', candidates.slice(0, COUNT).sort().join('\n') + '\n');
console.log(`${Math.min(COUNT, candidates.length)} of ${candidates.length} words`);
