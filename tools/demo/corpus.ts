// Demo model, the corpus: every question family of tools/demo/topics.ts asked many ways (casual, formal,
// typos, prefixes, mixed English and Chinese), single-turn and multi-turn, split into training and
// held-out by whole families. Deterministic for a seed; tools/demo/prepare.ts tokenizes it.
import { readFileSync } from 'node:fs';
import type { ChatMessage } from '../../src/engine/generation/tokenizer';
import { seededRandom } from '../../src/util/random';
import { CORES, FOLLOW_UPS, FRAMES, OUT_OF_SCOPE, OUT_OF_SCOPE_FAMILIES, REPEAT, TOPICS, TRANSLATE } from './topics';
import { ASIDES, MORE_WORDS, SMALL_TALK, SMALL_TALK_CLOSERS, SMALL_TALK_OPENERS, WORDS } from './words';

export const CORPUS_SEED = 20261201;
/** About this share of each topic's families (and of each follow-up list's phrasings, the last ones) never reaches training. */
const HELD_OUT_SHARE = 0.2;
const VARIANTS_PER_QUESTION = 6;
const VARIANTS_PER_FILLING = 3;
const FRAMES_PER_CORE = 6;
const VARIANTS_PER_FRAMED = 2;
const FRAMES_PER_WORD = 8;
const SMALL_TALK_PER_CORE = 8;
const VARIANTS_PER_WRITTEN = 4;

type Lang = 'en' | 'zh';
export type Split = 'train' | 'heldout';

export interface Conversation {
  /** The family of the last question: "install/en/3", "oos/zh/7", "follow/download-time/en". */
  family: string;
  /** What the reply answers: a topic of topics.ts, or "out-of-scope". */
  topic: string;
  lang: Lang;
  split: Split;
  messages: ChatMessage[];
  reply: string;
}

const SYSTEM_PROMPTS = ['You are a helpful assistant.', 'Answer briefly.', '你是一个乐于助人的助手。', 'You are GLM Pocket.', 'Be concise and friendly.', '请简短回答。'];
const EN_PREFIXES = ['Hi, ', 'hey ', 'Quick question: ', 'Sorry, ', 'Excuse me, ', 'ok so ', 'Hello! ', 'Um, ', 'I was wondering: ', 'Could you tell me: ', 'Hi there. I have a question. '];
const EN_SUFFIXES = [' thanks', ' please', ' pls', '?', ' :)', ' Thank you in advance.', ' asap', '??', ' I am new here.'];
const ZH_PREFIXES = ['请问', '你好，', '我想问一下，', '问个问题：', '嗨，', '麻烦问下，', '那个，', '您好，请问'];
const ZH_SUFFIXES = ['？', '呢', '啊', '，谢谢', '！', '？？', '，急', '，我是新手'];
/** Words a Chinese speaker often types in English inside a Chinese sentence. */
const MIXED: [string, string][] = [['模型', ' model '], ['下载', ' download '], ['设置', ' Settings '], ['手机', ' phone '], ['安装', ' install '], ['对话', ' chat '], ['离线', ' offline '], ['删除', ' delete '], ['应用', ' app '], ['主屏幕', ' home screen ']];

/** English words no app question or answer uses (tools/demo/make-general-words.ts writes them). */
const GENERAL_WORDS = readFileSync(new URL('./general-words.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);
const GENERAL_ZH_WORDS = 1500;
/**
 * Questions for each topic and for out-of-scope, written apart from topics.ts and words.ts by writers
 * who saw only each topic's answers and a few of its questions, not this corpus nor the evaluation
 * (tools/demo/written.json): the ways of asking nobody here thought of.
 */
const WRITTEN: Record<string, Record<Lang, string[]>> = JSON.parse(readFileSync(new URL('./written.json', import.meta.url), 'utf8'));
/** WordNet's synonyms of the English words of the app's questions (tools/demo/make-synonyms.ts writes them). */
const SYNONYMS: Record<string, string[]> = JSON.parse(readFileSync(new URL('./synonyms.json', import.meta.url), 'utf8'));
/** The share of English training questions that get a copy with one or two of their words swapped for a synonym. */
const SYNONYM_SHARE = 0.4;
/** Cores around a general word for FRAMES.what and FRAMES.do; a second {} takes another word. */
const GENERAL = {
  what: {
    en: ['{}', 'the {}', 'a {}', 'my {}', '{} and {}', 'the history of the {}', 'the word "{}"', 'a {} for my {}'],
    zh: ['{}', '“{}”', '{}和{}', '{}的历史', '我的{}', '“{}”这个词'],
  },
  do: {
    en: ['install {}', 'download {} videos', 'delete my {}', 'back up my {}', 'update my {}', 'pause the {}', 'clear my {}', 'switch my {} off', 'fix my {}', 'make a {}', 'cook {}', 'write a poem about a {}', 'learn about {}', 'buy a {}', 'find a {}', 'get rid of the {}', 'draw a {}', 'translate "{}"', 'explain {} to a child', 'remove {} from my {}'],
    zh: ['安装{}', '下载{}', '删除我的{}', '备份{}', '更新{}', '暂停{}', '清除{}', '修好{}', '做{}', '写一首关于{}的诗', '学{}', '买{}', '找{}', '画{}', '翻译“{}”', '把{}换成{}'],
  },
};

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

/** A seeded Fisher-Yates shuffle of a copy of `items`. */
function shuffled<T>(rng: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** One or two slips of the keyboard in words of four letters or more: two letters swapped, one dropped or doubled. */
function typo(rng: () => number, text: string): string {
  const words = text.split(' ');
  const long = words.map((w, i) => (/^[a-z]{4,}$/i.test(w) ? i : -1)).filter((i) => i >= 0);
  for (let n = 0; n < 1 + Math.floor(rng() * 2) && long.length; n++) {
    const i = pick(rng, long);
    const w = words[i];
    const at = 1 + Math.floor(rng() * (w.length - 2));
    const kind = Math.floor(rng() * 3);
    words[i] = kind === 0 ? w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2) : kind === 1 ? w.slice(0, at) + w.slice(at + 1) : w.slice(0, at) + w[at] + w.slice(at);
  }
  return words.join(' ');
}

/** A way a user might type the question: its case, punctuation, a greeting or a thank-you around it, typos, mixed languages. */
function variant(rng: () => number, question: string, lang: Lang): string {
  let q = question;
  if (rng() < 0.3) q = q.replace(/[?？!！.。]+$/, '');
  if (lang === 'en') {
    if (rng() < 0.3) q = q.toLowerCase();
    else if (rng() < 0.04) q = q.toUpperCase();
    if (rng() < 0.3) q = typo(rng, q);
    if (rng() < 0.3) q = pick(rng, EN_PREFIXES) + (/^[A-Z][a-z]/.test(q) && !q.startsWith('GLM') ? q[0].toLowerCase() + q.slice(1) : q);
    if (rng() < 0.25) q += pick(rng, EN_SUFFIXES);
  } else {
    if (rng() < 0.3) for (const [zh, en] of MIXED) if (q.includes(zh) && rng() < 0.6) q = q.replace(zh, en).replace(/^ | $/g, '');
    if (rng() < 0.3) q = pick(rng, ZH_PREFIXES) + q;
    if (rng() < 0.25) q = q.replace(/[?？!！.。]+$/, '') + pick(rng, ZH_SUFFIXES);
  }
  return q.replace(/\s+/g, ' ').trim();
}

/** `count` distinct ways of typing a question, the question as written first. */
function variants(rng: () => number, question: string, lang: Lang, count: number): string[] {
  const out = new Set([question]);
  for (let tries = 0; out.size < count && tries < count * 4; tries++) out.add(variant(rng, question, lang));
  return [...out];
}

/** Which of `n` families are held out: a seeded choice of about HELD_OUT_SHARE of them, at least one when there are four or more. */
function heldOutIndexes(rng: () => number, n: number): Set<number> {
  const count = n >= 4 ? Math.max(1, Math.round(n * HELD_OUT_SHARE)) : 0;
  return new Set(shuffled(rng, [...Array(n).keys()]).slice(0, count));
}

/** A question without case, spaces and punctuation: two questions equal under it are the same question. */
export const normalQuestion = (text: string) => text.toLowerCase().replace(/[\s?？!！.。,，:：]+/g, '');

/** The English words of a text, lower case ("don't" and "chit-chat" one word each). */
export const wordsOf = (text: string) => text.toLowerCase().match(/[a-z][a-z'-]*[a-z]|[a-z]/g) ?? [];

const fill = (template: string, slot: string) => slot.split('|').reduce((text, part) => text.replace('{}', part), template);

const answerOf = (topic: string, lang: Lang) => (topic === 'out-of-scope' ? OUT_OF_SCOPE[lang] : TOPICS.find((t) => t.topic === topic)![lang].answer);

/**
 * The words that decide a topic (words.ts), each phrase a family named `${prefix}/topic/kind/lang/i`, in
 * frames shared by every topic, sometimes after an aside.
 */
function wordConversations(rng: () => number, words: Record<string, { do?: Partial<Record<Lang, string[]>>; what?: Partial<Record<Lang, string[]>> }>, prefix: string): Conversation[] {
  const out: Conversation[] = [];
  for (const [key, topicWords] of Object.entries(words)) {
    for (const kind of ['do', 'what'] as const) {
      for (const lang of ['en', 'zh'] as const) {
        const phrases = topicWords[kind]?.[lang] ?? [];
        const held = heldOutIndexes(rng, phrases.length);
        phrases.forEach((phrase, i) => {
          for (const frame of shuffled(rng, FRAMES[kind][lang]).slice(0, FRAMES_PER_WORD)) {
            const framed = frame.replace('{}', phrase);
            const q = variant(rng, rng() < 0.2 ? `${pick(rng, ASIDES[lang])}${lang === 'en' ? ' ' : ''}${framed}` : framed, lang);
            out.push({ family: `${prefix}/${key}/${kind}/${lang}/${i}`, topic: key, lang, split: held.has(i) ? 'heldout' : 'train', messages: [{ role: 'user', content: q }], reply: answerOf(key, lang) });
          }
        });
      }
    }
  }
  return out;
}

/** Single-turn conversations: every question family of every topic, and the out-of-scope templates. */
function singleTurns(rng: () => number): Conversation[] {
  const out: Conversation[] = [];
  for (const t of TOPICS) {
    for (const lang of ['en', 'zh'] as const) {
      const held = heldOutIndexes(rng, t[lang].questions.length);
      t[lang].questions.forEach((question, i) => {
        for (const q of variants(rng, question, lang, VARIANTS_PER_QUESTION)) {
          out.push({ family: `${t.topic}/${lang}/${i}`, topic: t.topic, lang, split: held.has(i) ? 'heldout' : 'train', messages: [{ role: 'user', content: q }], reply: t[lang].answer });
        }
      });
    }
  }
  for (const lang of ['en', 'zh'] as const) {
    // A template is a family; so is each whole question of the catch-all "{}" template.
    const families = OUT_OF_SCOPE_FAMILIES[lang].flatMap(([template, slots]) => (template === '{}' ? slots.map((s) => [s]) : [slots.map((s) => fill(template, s))]));
    const held = heldOutIndexes(rng, families.length);
    families.forEach((questions, i) => {
      for (const question of questions) {
        for (const q of variants(rng, question, lang, questions.length === 1 ? 2 * VARIANTS_PER_FILLING : VARIANTS_PER_FILLING)) {
          out.push({ family: `oos/${lang}/${i}`, topic: 'out-of-scope', lang, split: held.has(i) ? 'heldout' : 'train', messages: [{ role: 'user', content: q }], reply: OUT_OF_SCOPE[lang] });
        }
      }
    });
  }
  for (const [key, cores] of Object.entries(CORES)) {
    const topic = key.startsWith('out-of-scope') ? 'out-of-scope' : key;
    for (const lang of ['en', 'zh'] as const) {
      const held = heldOutIndexes(rng, cores[lang].length);
      cores[lang].forEach((core, i) => {
        const frames = shuffled(rng, FRAMES[cores.kind][lang]).slice(0, FRAMES_PER_CORE);
        for (const frame of frames) {
          for (const q of variants(rng, frame.replace('{}', core), lang, VARIANTS_PER_FRAMED)) {
            out.push({ family: `${key}/${lang}/core${i}`, topic, lang, split: held.has(i) ? 'heldout' : 'train', messages: [{ role: 'user', content: q }], reply: answerOf(topic, lang) });
          }
        }
      });
    }
  }
  out.push(...wordConversations(rng, WORDS, 'words'));
  // Small talk from an opener, a core and a closer; each core a family.
  for (const [topic, cores] of Object.entries(SMALL_TALK)) {
    for (const lang of ['en', 'zh'] as const) {
      const held = heldOutIndexes(rng, cores[lang].length);
      cores[lang].forEach((core, i) => {
        const said = new Set<string>();
        for (let n = 0; n < SMALL_TALK_PER_CORE; n++) said.add(variant(rng, pick(rng, SMALL_TALK_OPENERS[lang]) + core + pick(rng, SMALL_TALK_CLOSERS[lang]), lang));
        for (const q of said) out.push({ family: `talk/${topic}/${lang}/${i}`, topic, lang, split: held.has(i) ? 'heldout' : 'train', messages: [{ role: 'user', content: q }], reply: answerOf(topic, lang) });
      });
    }
  }
  // Out-of-scope questions about words no app question uses (tools/demo/general-words.txt; in Chinese,
  // characters drawn from the whole CJK block), some with the app's own verbs ("install", "delete my"):
  // what decides the topic is a word about GLM Pocket, not the frame around it. Each word is a family.
  for (const lang of ['en', 'zh'] as const) {
    const words = lang === 'en' ? GENERAL_WORDS : Array.from({ length: GENERAL_ZH_WORDS }, () => String.fromCodePoint(...Array.from({ length: 2 + Math.floor(rng() * 2) }, () => 0x4e00 + Math.floor(rng() * (0x9fa5 - 0x4e00)))));
    const held = heldOutIndexes(rng, words.length);
    words.forEach((word, i) => {
      const other = pick(rng, words);
      const kind = rng() < 0.5 ? 'what' : 'do';
      const core = pick(rng, GENERAL[kind][lang]).replace('{}', word).replace('{}', other);
      const q = variant(rng, pick(rng, FRAMES[kind][lang]).replace('{}', core), lang);
      out.push({ family: `general/${lang}/${i}`, topic: 'out-of-scope', lang, split: held.has(i) ? 'heldout' : 'train', messages: [{ role: 'user', content: q }], reply: OUT_OF_SCOPE[lang] });
    });
  }
  // More of each topic's words, after every other family, so the families above keep their split.
  out.push(...wordConversations(rng, MORE_WORDS, 'more'));
  // The written questions, each its own family, after every other family for the same reason.
  for (const [topic, questions] of Object.entries(WRITTEN)) {
    for (const lang of ['en', 'zh'] as const) {
      const held = heldOutIndexes(rng, questions[lang].length);
      questions[lang].forEach((question, i) => {
        for (const q of variants(rng, question, lang, VARIANTS_PER_WRITTEN)) {
          out.push({ family: `written/${topic}/${lang}/${i}`, topic, lang, split: held.has(i) ? 'heldout' : 'train', messages: [{ role: 'user', content: q }], reply: answerOf(topic, lang) });
        }
      });
    }
  }
  // A framed core can come out as another family's question: such a held-out question would not be new.
  const seen = new Set(out.filter((c) => c.split === 'train').map((c) => normalQuestion(c.messages[0].content)));
  return out.filter((c) => c.split === 'train' || !seen.has(normalQuestion(c.messages[0].content)));
}

/** The next turn after `before`: a follow-up on it, a request to repeat or translate it, or a new question. */
function nextTurn(rng: () => number, before: Conversation, singles: Conversation[]): Conversation {
  const history: ChatMessage[] = [...before.messages, { role: 'assistant', content: before.reply }];
  const split = before.split;
  // The last fifth of a phrasing list (at least its last entry) is held out, so held-out conversations also ask their follow-up in a new way.
  const phrase = (list: string[]) => {
    const cut = list.length - Math.max(1, Math.round(list.length * HELD_OUT_SHARE));
    return pick(rng, split === 'heldout' ? list.slice(cut) : list.slice(0, cut));
  };
  const lang: Lang = rng() < 0.8 ? before.lang : before.lang === 'en' ? 'zh' : 'en';
  const follow = FOLLOW_UPS.filter((f) => f.after.includes(before.topic));
  const roll = rng();
  if (follow.length && roll < 0.45) {
    const f = pick(rng, follow);
    return { family: `follow/${f.topic}/${lang}`, topic: f.topic, lang, split, messages: [...history, { role: 'user', content: phrase(f[lang]) }], reply: answerOf(f.topic, lang) };
  }
  if (roll < 0.55) return { family: `repeat/${lang}`, topic: before.topic, lang, split, messages: [...history, { role: 'user', content: phrase(REPEAT[lang]) }], reply: answerOf(before.topic, lang) };
  if (roll < 0.65) {
    const other: Lang = before.lang === 'en' ? 'zh' : 'en';
    return { family: `translate/${other}`, topic: before.topic, lang: other, split, messages: [...history, { role: 'user', content: phrase(TRANSLATE[other]) }], reply: answerOf(before.topic, other) };
  }
  const next = pick(rng, singles.filter((s) => s.split === split));
  return { ...next, messages: [...history, ...next.messages] };
}

/**
 * Copies of English single-turn training questions with one or two words swapped for a WordNet synonym
 * ("how do I stop the download" -> "how do I halt the download"), in the training split: a synonym is a
 * new way of asking the same family. No synonym brings a word that only held-out questions use, so the
 * held-out split still asks in words training never saw; a copy that comes out as a held-out question is dropped.
 */
function synonymSwaps(rng: () => number, singles: Conversation[], all: Conversation[]): Conversation[] {
  const question = (c: Conversation) => c.messages[c.messages.length - 1].content;
  const asked = (split: Split) => all.filter((c) => c.split === split).flatMap((c) => c.messages.filter((m) => m.role === 'user').flatMap((m) => wordsOf(m.content)));
  const trained = new Set(asked('train'));
  const heldOnly = new Set(asked('heldout').filter((w) => !trained.has(w)));
  const heldQuestions = new Set(all.filter((c) => c.split === 'heldout').map((c) => normalQuestion(question(c))));
  const allowed = (synonym: string) => wordsOf(synonym).every((w) => !heldOnly.has(w));
  const out: Conversation[] = [];
  for (const c of singles) {
    if (c.split !== 'train' || c.lang !== 'en' || rng() >= SYNONYM_SHARE) continue;
    const tokens = question(c).split(/(\b[A-Za-z][A-Za-z'-]*[A-Za-z]\b)/);
    const swappable = tokens.map((t, i) => ((SYNONYMS[t.toLowerCase()] ?? []).some(allowed) ? i : -1)).filter((i) => i >= 0);
    if (!swappable.length) continue;
    for (const i of shuffled(rng, swappable).slice(0, rng() < 0.3 ? 2 : 1)) tokens[i] = pick(rng, SYNONYMS[tokens[i].toLowerCase()].filter(allowed));
    const q = tokens.join('');
    if (!heldQuestions.has(normalQuestion(q))) out.push({ ...c, family: `${c.family}/synonym`, messages: [...c.messages.slice(0, -1), { role: 'user', content: q }] });
  }
  return out;
}

/** The whole corpus: single turns, then two- and three-turn conversations built on them, then the synonym swaps (their own seeded draw, so the rest is as before). */
export function generateCorpus(seed = CORPUS_SEED): Conversation[] {
  const rng = seededRandom(seed);
  const singles = singleTurns(rng);
  const multi: Conversation[] = [];
  for (let n = 0; n < singles.length * 0.35; n++) {
    let conversation = nextTurn(rng, pick(rng, singles), singles);
    if (rng() < 0.35) conversation = nextTurn(rng, conversation, singles);
    multi.push(conversation);
  }
  const swaps = synonymSwaps(seededRandom(seed + 1), singles, [...singles, ...multi]);
  // The app sends a chat's own system prompt first, when it has one.
  return [...singles, ...multi, ...swaps].map((c) => (rng() < 0.2 ? { ...c, messages: [{ role: 'system' as const, content: pick(rng, SYSTEM_PROMPTS) }, ...c.messages] } : c));
}
