// Conversations as files: one as Markdown to read or share, all of them as a JSON export that
// GLM Pocket reads back. Pure functions, no DOM: the UI downloads and reads the text.
import type { ChatMessage } from '../engine/generation/tokenizer';
import type { Conversation } from '../store/conversations';
import { followsApp, parseChatSettings } from './chat-settings';

/**
 * The marker and version every JSON export carries, so an import can tell it from any other file.
 * Version 2 adds each conversation's own settings; version 1 files (without them) still import.
 */
export const EXPORT_FORMAT = 'glm-pocket-conversations';
export const EXPORT_VERSION = 2;

/** Why a file cannot be imported; the UI shows a message for each reason. */
export type ImportReason = 'not-json' | 'not-export' | 'newer-version' | 'bad-conversation';

export class ImportError extends Error {
  constructor(
    readonly reason: ImportReason,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

const ROLE_NAMES: Record<ChatMessage['role'], string> = { system: 'System', user: 'User', assistant: 'Assistant' };

/** The conversation as Markdown: its title, then each message under its role. */
export function toMarkdown(c: Conversation, untitled = 'Untitled'): string {
  const messages = c.messages.map((m) => `## ${ROLE_NAMES[m.role]}\n\n${m.content.trim()}\n`);
  return [`# ${c.title || untitled}\n`, ...messages].join('\n');
}

/** A file name for the conversation's Markdown export: its title without characters file systems refuse. */
export function markdownFileName(c: Conversation): string {
  const base = c.title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
  return `${base || 'conversation'}.md`;
}

/** Every conversation as one JSON export. */
export function exportAll(list: readonly Conversation[], exportedAt = Date.now()): string {
  const conversations = list.map(({ id, title, modelId, messages, createdAt, updatedAt, settings }) => ({
    id,
    title,
    modelId,
    messages: messages.map(({ role, content }) => ({ role, content })),
    createdAt,
    updatedAt,
    ...(!followsApp(settings) && { settings: { ...settings } }),
  }));
  return JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt, conversations }, null, 2);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isMessage(v: unknown): v is ChatMessage {
  return isRecord(v) && typeof v.content === 'string' && (v.role === 'system' || v.role === 'user' || v.role === 'assistant');
}

function toConversation(v: unknown, index: number): Conversation {
  const ok =
    isRecord(v) &&
    typeof v.id === 'string' &&
    v.id !== '' &&
    typeof v.title === 'string' &&
    typeof v.modelId === 'string' &&
    Array.isArray(v.messages) &&
    v.messages.every(isMessage) &&
    isTime(v.createdAt) &&
    isTime(v.updatedAt);
  if (!ok) throw new ImportError('bad-conversation', `Conversation ${index + 1} in this file is damaged: it lacks an id, a title, its messages or its dates.`);
  const settings = v.settings === undefined ? {} : parseChatSettings(v.settings);
  if (!settings) throw new ImportError('bad-conversation', `Conversation ${index + 1} in this file is damaged: its settings are not valid (a system prompt that is not text, a temperature or a token count out of range).`);
  const { id, title, modelId, messages, createdAt, updatedAt } = v as unknown as Conversation;
  return { id, title, modelId, messages: messages.map(({ role, content }) => ({ role, content })), createdAt, updatedAt, ...(!followsApp(settings) && { settings }) };
}

/** The conversations in a JSON export; throws ImportError for any other file. */
export function parseImport(text: string): Conversation[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ImportError('not-json', 'This file is not a GLM Pocket export: it is not JSON.');
  }
  if (!isRecord(data) || data.format !== EXPORT_FORMAT || typeof data.version !== 'number' || !Array.isArray(data.conversations)) {
    throw new ImportError('not-export', 'This file is not a GLM Pocket export of conversations.');
  }
  if (data.version > EXPORT_VERSION) {
    throw new ImportError('newer-version', `This export was made by a newer GLM Pocket (version ${data.version}); update the app to import it.`);
  }
  return data.conversations.map(toConversation);
}

/** The imported conversations, those whose id is taken (or repeats in the file) under a new id. */
export function withFreeIds(imported: readonly Conversation[], takenIds: Iterable<string>, newId: () => string): Conversation[] {
  const taken = new Set(takenIds);
  return imported.map((c) => {
    let id = c.id;
    while (taken.has(id)) id = newId();
    taken.add(id);
    return { ...c, id };
  });
}
