// The conversation files: Markdown for one conversation, a JSON export of all that reads back,
// imports that refuse other files with a typed reason, and imported ids that never overwrite.
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMAT, EXPORT_VERSION, ImportError, exportAll, markdownFileName, parseImport, toMarkdown, withFreeIds } from '../../src/app/export';
import type { Conversation } from '../../src/store/conversations';

const conversation = (id: string, title = 'Rust lifetimes'): Conversation => ({
  id,
  title,
  modelId: 'glm-pocket-demo-q4',
  messages: [
    { role: 'user', content: 'What is a lifetime?' },
    { role: 'assistant', content: 'A scope a reference is **valid** for.\n' },
  ],
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_100_000,
});

function reasonOf(text: string): string {
  try {
    parseImport(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as ImportError).reason;
  }
  throw new Error('parseImport accepted the file');
}

describe('toMarkdown', () => {
  it('writes the title, then each message under its role', () => {
    expect(toMarkdown(conversation('a'))).toBe('# Rust lifetimes\n\n## User\n\nWhat is a lifetime?\n\n## Assistant\n\nA scope a reference is **valid** for.\n');
  });

  it('titles an untitled conversation with the name it is given', () => {
    expect(toMarkdown({ ...conversation('a', ''), messages: [] }, 'New conversation')).toBe('# New conversation\n');
  });
});

describe('markdownFileName', () => {
  it('keeps the title without the characters file systems refuse', () => {
    expect(markdownFileName(conversation('a', 'C:/tmp? "quotes"'))).toBe('C tmp quotes.md');
  });

  it('names an untitled conversation "conversation"', () => {
    expect(markdownFileName(conversation('a', '  '))).toBe('conversation.md');
  });
});

describe('exportAll and parseImport', () => {
  it('reads back every conversation it exported, with the format marker and version', () => {
    const list = [conversation('a'), conversation('b', 'Second')];
    const text = exportAll(list, 42);
    expect(JSON.parse(text)).toMatchObject({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: 42 });
    expect(parseImport(text)).toEqual(list);
  });

  it('keeps only the fields of a conversation and of its messages', () => {
    const extra = { ...conversation('a'), streaming: true, messages: [{ role: 'user', content: 'hi', pending: 1 }] };
    const text = JSON.stringify({ format: EXPORT_FORMAT, version: 1, conversations: [extra] });
    expect(parseImport(text)).toEqual([{ ...conversation('a'), messages: [{ role: 'user', content: 'hi' }] }]);
  });

  it('refuses a file that is not JSON', () => {
    expect(reasonOf('# Rust lifetimes')).toBe('not-json');
  });

  it('refuses JSON without the GLM Pocket marker', () => {
    expect(reasonOf('[]')).toBe('not-export');
    expect(reasonOf('{"format":"other","version":1,"conversations":[]}')).toBe('not-export');
    expect(reasonOf(`{"format":"${EXPORT_FORMAT}","version":1}`)).toBe('not-export');
  });

  it('refuses an export from a newer version', () => {
    expect(reasonOf(`{"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION + 1},"conversations":[]}`)).toBe('newer-version');
  });

  it('refuses a conversation with a bad role or a missing date, naming which one', () => {
    const bad = [conversation('a'), { ...conversation('b'), messages: [{ role: 'robot', content: 'x' }] }];
    expect(reasonOf(JSON.stringify({ format: EXPORT_FORMAT, version: 1, conversations: bad }))).toBe('bad-conversation');
    expect(() => parseImport(JSON.stringify({ format: EXPORT_FORMAT, version: 1, conversations: bad }))).toThrow(/Conversation 2/);
    const undated = { ...conversation('a'), updatedAt: 'yesterday' };
    expect(reasonOf(JSON.stringify({ format: EXPORT_FORMAT, version: 1, conversations: [undated] }))).toBe('bad-conversation');
  });
});

describe('a conversation\'s own settings in the export', () => {
  const tuned: Conversation = { ...conversation('a'), settings: { systemPrompt: 'Answer in French.', temperature: 0.2, maxTokens: 512 } };

  it('are written and read back with the conversation', () => {
    const text = exportAll([tuned, conversation('b')], 42);
    expect(JSON.parse(text).conversations[1]).not.toHaveProperty('settings');
    expect(parseImport(text)).toEqual([tuned, conversation('b')]);
  });

  it('are left out of a version 1 file, which still imports', () => {
    const v1 = JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: 1, conversations: [conversation('a')] });
    expect(parseImport(v1)).toEqual([conversation('a')]);
  });

  it('refuse the file when a temperature or token count is out of range or the prompt is not text', () => {
    for (const settings of [{ temperature: 3 }, { maxTokens: 0 }, { maxTokens: 1.5 }, { systemPrompt: 7 }, 'hot']) {
      const text = JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, conversations: [{ ...conversation('a'), settings }] });
      expect(reasonOf(text), JSON.stringify(settings)).toBe('bad-conversation');
    }
  });
});

describe('withFreeIds', () => {
  it('gives a new id to a conversation whose id is taken or repeats in the file, and keeps the others', () => {
    let n = 0;
    const ids = withFreeIds([conversation('a'), conversation('b'), conversation('b')], ['a'], () => `new-${++n}`).map((c) => c.id);
    expect(ids).toEqual(['new-1', 'b', 'new-2']);
  });
});
