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
}

let store: UseStore | null = null;
const db = () => (store ??= createStore('glm-pocket-chats', 'conversations'));

/** All conversations, most recently updated first. */
export async function listConversations(): Promise<Conversation[]> {
  return (await values<Conversation>(db())).sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Saves a plain copy (reactive proxies cannot be stored). */
export async function saveConversation(c: Conversation): Promise<void> {
  await set(c.id, { ...c, messages: c.messages.map(({ role, content }) => ({ role, content })) }, db());
}

export async function deleteConversation(id: string): Promise<void> {
  await del(id, db());
}
