// A conversation's own settings over the app's: each field it sets wins, the others follow Settings.
import { describe, expect, it } from 'vitest';
import { followsApp, parseChatSettings, replySettings } from '../../src/app/chat-settings';

const app = { systemPrompt: '  Be brief.  ', temperature: 0.7, maxTokens: 256, topP: 0.9 };

describe('replySettings', () => {
  it("follows the app's settings where the conversation sets nothing", () => {
    expect(replySettings(undefined, app)).toEqual({ systemPrompt: 'Be brief.', temperature: 0.7, maxTokens: 256, topP: 0.9 });
  });

  it("takes each field the conversation sets over the app's, an empty prompt included", () => {
    expect(replySettings({ temperature: 0, maxTokens: 1024 }, app)).toEqual({ systemPrompt: 'Be brief.', temperature: 0, maxTokens: 1024, topP: 0.9 });
    expect(replySettings({ systemPrompt: '' }, app).systemPrompt).toBe('');
  });
});

describe('parseChatSettings', () => {
  it('keeps the fields that are set and valid', () => {
    expect(parseChatSettings({ systemPrompt: 'Hi', temperature: 2, maxTokens: 8192 })).toEqual({ systemPrompt: 'Hi', temperature: 2, maxTokens: 8192 });
    expect(parseChatSettings({})).toEqual({});
  });

  it('refuses values out of range and values of the wrong type', () => {
    for (const bad of [null, [], 'x', { temperature: -0.1 }, { temperature: Number.NaN }, { maxTokens: 8193 }, { maxTokens: 2.5 }, { systemPrompt: false }]) {
      expect(parseChatSettings(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

it('followsApp is true only when the conversation sets nothing', () => {
  expect(followsApp(undefined)).toBe(true);
  expect(followsApp({ systemPrompt: undefined })).toBe(true);
  expect(followsApp({ systemPrompt: '' })).toBe(false);
});
