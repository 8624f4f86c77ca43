// Demo model, a helper for the corpus: writes tools/demo/synonyms.json, for each English word of the
// app's questions, its synonyms in WordNet (Debian's wordnet package, the `wn` command): the words of
// the word's two most frequent senses as a noun, verb, adjective or adverb, and for an adjective's
// first sense its similar adjectives ("slow": "sluggish", "dilatory"). tools/demo/corpus.ts swaps them
// into training questions, so a user who says "halt" or "sluggish" where the corpus says "stop" or
// "slow" is understood. A synonym is kept only when none of its words belongs to a question of a
// topic the word's own questions do not cover ("delete" keeps "erase" but not "cancel", a word of the
// download-control questions), and none is a general word (tools/demo/general-words.txt, taught as
// out of scope). One-off:
//   apt-get install wordnet && npx tsx tools/demo/make-synonyms.ts
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { CORES, OUT_OF_SCOPE_FAMILIES, TOPICS } from './topics';
import { MORE_WORDS, WORDS } from './words';

const SENSES = 2;
/** Words whose synonyms say nothing of the topic, or too many things. */
const STOP = new Set(
  ('the a an and or but if of to in on at by for with from into onto about as is are was were be been being am do does did doing done ' +
    'have has had having can could will would shall should may might must not no yes this that these those it its it\'s i me my mine you your ' +
    'yours we our they them their he she his her what which who whom whose when where why how there here then than so too very just also ' +
    'get gets got getting make makes made go goes going went take takes took put puts let lets set give gives see sees know want wants need ' +
    'needs like thing things way one ones some any all every each more most much many other another same such own only now still even ' +
    'again back out up down off over say says tell tells ask asks try tries please thanks thank hey hi hello ok okay yeah really well lot ' +
    'glm pocket app apps').split(' '),
);

const words = (text: string) => text.toLowerCase().match(/[a-z][a-z'-]*[a-z]|[a-z]/g) ?? [];
const written: Record<string, { en: string[] }> = JSON.parse(readFileSync(new URL('./written.json', import.meta.url), 'utf8'));

/** Every English question text of each topic (and of out-of-scope): the texts whose words decide a reply. */
const textsByTopic = new Map<string, string[]>();
const add = (topic: string, texts: readonly string[] | undefined) => textsByTopic.set(topic, [...(textsByTopic.get(topic) ?? []), ...(texts ?? [])]);
for (const t of TOPICS) add(t.topic, t.en.questions);
for (const [key, c] of Object.entries(CORES)) add(key.startsWith('out-of-scope') ? 'out-of-scope' : key, c.en);
for (const [key, w] of Object.entries(WORDS)) add(key, [...w.do.en, ...w.what.en]);
for (const [key, w] of Object.entries(MORE_WORDS)) add(key, [...(w.do?.en ?? []), ...(w.what?.en ?? [])]);
for (const [key, w] of Object.entries(written)) add(key, w.en);
add('out-of-scope', OUT_OF_SCOPE_FAMILIES.en.flatMap(([template, slots]) => slots.map((s) => s.split('|').reduce((text, part) => text.replace('{}', part), template))));

/** Which topics' questions use each word, out-of-scope apart: an out-of-scope word is free to take any synonym the app does not use. */
const topicsOf = new Map<string, Set<string>>();
for (const [topic, texts] of textsByTopic) {
  if (topic === 'out-of-scope') continue;
  for (const w of texts.flatMap(words)) topicsOf.set(w, (topicsOf.get(w) ?? new Set()).add(topic));
}
const general = new Set(readFileSync(new URL('./general-words.txt', import.meta.url), 'utf8').split('\n').filter(Boolean));

/** WordNet's synonyms of `word` (only where WordNet has the word itself, not a base form of it). */
function wordnet(word: string): string[] {
  let out: string;
  try {
    out = execFileSync('wn', [word, '-synsn', '-synsv', '-synsa', '-synsr'], { encoding: 'utf8' });
  } catch (error) {
    // wn exits with the number of senses it found, so a word with senses "fails".
    out = (error as { stdout?: string }).stdout ?? '';
  }
  const found: string[] = [];
  for (const section of out.split(/\n(?=Synonyms|Similarity)/)) {
    const header = section.match(/^(?:Synonyms\/Hypernyms \(Ordered by Estimated Frequency\)|Synonyms|Similarity) of (noun|verb|adj|adv) (.+)$/m);
    if (!header || header[2].trim() !== word) continue;
    const senses = section.split(/\nSense \d+\n/).slice(1, 1 + SENSES);
    senses.forEach((sense, i) => {
      const [first, ...rest] = sense.split('\n');
      found.push(...first.split(','));
      if (header[1] === 'adj' && i === 0) found.push(...rest.filter((l) => /^\s+=> /.test(l)).flatMap((l) => l.replace(/^\s+=> /, '').split(',')));
    });
  }
  return found.map((s) => s.replace(/\(.*?\)|#\d+|Also See->.*/g, '').trim().toLowerCase());
}

const result: Record<string, string[]> = {};
const candidates = [...new Set([...textsByTopic.values()].flat().flatMap(words))].filter((w) => w.length >= 3 && !STOP.has(w)).sort();
for (const word of candidates) {
  const own = topicsOf.get(word) ?? new Set<string>();
  const kept = [...new Set(wordnet(word))].filter(
    (s) => s !== word && /^[a-z][a-z -]*[a-z]$/.test(s) && words(s).every((w) => !general.has(w) && [...(topicsOf.get(w) ?? [])].every((t) => own.has(t))),
  );
  if (kept.length) result[word] = kept.sort();
}
writeFileSync('tools/demo/synonyms.json', JSON.stringify(result, null, 0).replace(/\],"/g, '],\n"') + '\n');
console.log(`${Object.keys(result).length} of ${candidates.length} words have synonyms, ${Object.values(result).flat().length} in all`);
