// Saved conversations in IndexedDB (idb-keyval), one record per conversation.
import { createStore, del, set, values, type UseStore } from 'idb-keyval';
import type { ChatMessage } from '../engine/generation/tokenizer';

export interface Conversation {
  id: string;
  title: string;
  /** The pack the conversation was held with. */
  modelId: string;
  messages: ChatMessage[];
  createdAt: number;
  updatedAt: number;
  /** This conversation's own settings; a field left out follows the app's Settings. */
  settings?: ChatSettings;
}

/** What one conversation may set for itself, over the app's Settings. */
export interface ChatSettings {
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
}

let store: UseStore | null = null;
const db = () => (store ??= createStore('glm-pocket-chats', 'conversations'));

/** All conversations, most recently updated first. */
export async function listConversations(): Promise<Conversation[]> {
  return (await values<Conversation>(db())).sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Saves a plain copy (reactive proxies cannot be stored). */
export async function saveConversation(c: Conversation): Promise<void> {
  await set(c.id, { ...c, messages: c.messages.map(({ role, content }) => ({ role, content })), ...(c.settings && { settings: { ...c.settings } }) }, db());
}

export async function deleteConversation(id: string): Promise<void> {
  await del(id, db());
}

/** Closes the page's connection to the store, so that its database can be deleted; the next call opens it again. */
export async function closeConversations(): Promise<void> {
  const open = store;
  store = null;
  await open?.('readonly', (s) => s.transaction.db.close());
}
