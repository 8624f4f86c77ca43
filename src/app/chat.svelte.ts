// The conversations: the one on screen, the saved list, and the reply being streamed.
import type { ChatMessage } from '../engine/generation/tokenizer';
import { closeConversations, deleteConversation, listConversations, saveConversation, type ChatSettings, type Conversation } from '../store/conversations';
import type { ChatResult } from '../engine/engine';
import { followsApp, replySettings } from './chat-settings';
import { engine } from './engine';
import { loadMarkdown } from './markdown';
import { withFreeIds } from './export';
import { settings } from './settings.svelte';

export interface Figures extends ChatResult {
  /** Largest memory measurement the page has seen, when the browser can measure it. */
  peakMemoryBytes: number | null;
}

export const chat = $state({
  list: [] as Conversation[],
  current: null as Conversation | null,
  /** The reply being written, and the conversation it belongs to. */
  streaming: null as string | null,
  replying: null as Conversation | null,
  figures: null as Figures | null,
  error: '',
});

let stopReply: (() => void) | null = null;
let stopAsked = false;
/** Settles when the reply being written is saved. */
let replyDone: Promise<void> = Promise.resolve();
/** How often a reply being streamed is saved. */
const PARTIAL_SAVE_MS = 2000;
let peakMemoryBytes: number | null = null;

function newConversation(): Conversation {
  const now = Date.now();
  return { id: crypto.randomUUID(), title: '', modelId: settings.modelId, messages: [], createdAt: now, updatedAt: now };
}

/** Reads the saved conversations and opens the latest; messages show once their Markdown renderer is loaded. */
export async function startChat(): Promise<void> {
  const [list] = await Promise.all([listConversations(), loadMarkdown()]);
  chat.list = list;
  chat.current = chat.list[0] ?? newConversation();
}

export function openNewChat(): void {
  chat.current = newConversation();
  chat.figures = null;
}

/**
 * The conversation with this id: the one on screen or being answered when it is that one (edits go
 * to the object the reply and the next save write), else the saved copy in the list.
 */
function conversation(id: string): Conversation | undefined {
  if (chat.replying?.id === id) return chat.replying;
  if (chat.current?.id === id) return chat.current;
  return chat.list.find((c) => c.id === id);
}

export function openChat(id: string): void {
  chat.current = conversation(id) ?? chat.current;
  chat.figures = null;
}

/** Saves the conversation, with `extra` messages after its own (a reply not yet on screen). */
async function persist(c: Conversation, extra: ChatMessage[] = []): Promise<void> {
  c.updatedAt = Date.now();
  await saveConversation({ ...c, messages: [...c.messages, ...extra] });
  chat.list = await listConversations();
}

export async function renameChat(id: string, title: string): Promise<void> {
  const c = conversation(id);
  if (!c) return;
  c.title = title;
  await persist(c);
}

export async function removeChat(id: string): Promise<void> {
  if (chat.replying?.id === id) {
    // Its reply stops and is saved first, so that save cannot bring the conversation back.
    stop();
    await replyDone;
  }
  await deleteConversation(id);
  chat.list = await listConversations();
  if (chat.current?.id === id) chat.current = chat.list[0] ?? newConversation();
}

/** Saves imported conversations beside the ones here (a taken id gets a new one); returns how many. */
export async function importChats(imported: Conversation[]): Promise<number> {
  const taken = [...chat.list.map((c) => c.id), ...(chat.current ? [chat.current.id] : [])];
  const fresh = withFreeIds(imported, taken, () => crypto.randomUUID());
  for (const c of fresh) await saveConversation(c);
  chat.list = await listConversations();
  return fresh.length;
}

/** The page's memory as the browser reports it (Chromium, cross-origin isolated pages). */
async function measureMemory(): Promise<number | null> {
  const measure = (performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
  if (!measure || !crossOriginIsolated) return null;
  try {
    return (await measure.call(performance)).bytes;
  } catch {
    return null;
  }
}

/** Generates the assistant's reply to the conversation as it stands. */
async function reply(c: Conversation): Promise<void> {
  let saved!: () => void;
  replyDone = new Promise((done) => (saved = done));
  chat.replying = c;
  stopAsked = false;
  chat.error = '';
  chat.streaming = '';
  chat.figures = null;
  // The question is saved before the model runs, so a reload or a crash during the reply keeps it.
  // A failed save does not stop the reply: the save after it fails too and says why.
  await persist(c).catch(() => undefined);
  const own = replySettings(c.settings, settings);
  const history: ChatMessage[] = [...(own.systemPrompt ? [{ role: 'system' as const, content: own.systemPrompt }] : []), ...c.messages];
  // The reply so far is saved every few seconds too, so a reload or a closed tab loses little of it.
  let savedAt = performance.now();
  const onText = (text: string) => {
    chat.streaming += text;
    const sofar = chat.streaming!.trim();
    if (!sofar || performance.now() - savedAt < PARTIAL_SAVE_MS) return;
    savedAt = performance.now();
    void persist(c, [{ role: 'assistant', content: sofar }]).catch(() => undefined);
  };
  try {
    const run = engine.chat(history, { maxNewTokens: own.maxTokens, temperature: own.temperature, topP: own.topP }, onText);
    stopReply = run.stop;
    if (stopAsked) run.stop();
    const result = await run.result;
    if (chat.current?.id === c.id) chat.figures = { ...result, peakMemoryBytes };
    // The browser answers a memory measurement at its next garbage collection: show it when it comes.
    void measureMemory().then((measured) => {
      if (measured === null) return;
      peakMemoryBytes = Math.max(peakMemoryBytes ?? 0, measured);
      if (chat.figures?.stats === result.stats) chat.figures = { ...result, peakMemoryBytes };
    });
  } catch (error) {
    chat.error = (error as Error).message;
  } finally {
    const text = (chat.streaming ?? '').trim();
    const answer: ChatMessage[] = text ? [{ role: 'assistant', content: text }] : [];
    stopReply = null;
    // The reply counts as done (the Send button is back) only once it is saved.
    try {
      await persist(c, answer);
    } catch (error) {
      chat.error = (error as Error).message;
    } finally {
      c.messages.push(...answer);
      chat.streaming = null;
      chat.replying = null;
      saved();
    }
  }
}

export async function send(text: string): Promise<void> {
  const c = chat.current;
  if (!c || !text.trim() || chat.streaming !== null) return;
  if (!c.title) c.title = text.trim().slice(0, 48);
  c.messages.push({ role: 'user', content: text.trim() });
  await reply(c);
}

export function stop(): void {
  stopAsked = true;
  stopReply?.();
}

/**
 * Replaces the reply at `index` with a new one written from the history before it; the messages after
 * it go (the UI asks first). A question left unanswered at the end (index -1 or its own index) gets its answer.
 */
export async function regenerate(index = -1): Promise<void> {
  const c = chat.current;
  if (!c || chat.streaming !== null) return;
  const at = index < 0 ? c.messages.length + index : index;
  const target = c.messages[at];
  if (!target) return;
  c.messages.splice(target.role === 'assistant' ? at : at + 1);
  if (c.messages.at(-1)?.role === 'user') await reply(c);
}

/** The conversation's own settings (none: it follows the app's); saved at once, used from its next reply. */
export async function setChatSettings(id: string, own: ChatSettings): Promise<void> {
  const c = conversation(id);
  if (!c) return;
  c.settings = followsApp(own) ? undefined : own;
  await persist(c);
}

/** Changes a user message, drops everything after it, and asks again. */
export async function editAndResend(index: number, text: string): Promise<void> {
  const c = chat.current;
  if (!c || chat.streaming !== null || c.messages[index]?.role !== 'user' || !text.trim()) return;
  c.messages.splice(index, c.messages.length - index, { role: 'user', content: text.trim() });
  await reply(c);
}

/** Deletes one message of the conversation on screen (the figures go with the reply they describe). */
export async function removeMessage(index: number): Promise<void> {
  const c = chat.current;
  if (!c || chat.streaming !== null || !c.messages[index]) return;
  if (index === c.messages.length - 1) chat.figures = null;
  c.messages.splice(index, 1);
  await persist(c);
}

/** Stops the reply being written, waits until it is saved, and closes the store (all data is about to be cleared). */
export async function closeChats(): Promise<void> {
  stop();
  await replyDone;
  await closeConversations();
}
