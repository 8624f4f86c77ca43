// A conversation's own settings (system prompt, temperature, max reply tokens) over the app's: what
// a reply runs with, and the checks an imported or edited value must pass. Pure, no DOM.
import type { ChatSettings } from '../store/conversations';
import type { Settings } from './settings.svelte';

/** The ranges the Settings page and the chat settings dialog offer. */
export const TEMPERATURE_RANGE = { min: 0, max: 2 } as const;
export const MAX_TOKENS_RANGE = { min: 1, max: 8192 } as const;

export interface ReplySettings {
  systemPrompt: string;
  temperature: number;
  maxTokens: number;
  topP: number;
}

/** What the next reply in a conversation runs with: its own value where it has one, else the app's. */
export function replySettings(own: ChatSettings | undefined, app: Pick<Settings, 'systemPrompt' | 'temperature' | 'maxTokens' | 'topP'>): ReplySettings {
  return {
    systemPrompt: (own?.systemPrompt ?? app.systemPrompt).trim(),
    temperature: own?.temperature ?? app.temperature,
    maxTokens: own?.maxTokens ?? app.maxTokens,
    topP: app.topP,
  };
}

const inRange = (v: unknown, range: { min: number; max: number }): v is number => typeof v === 'number' && Number.isFinite(v) && v >= range.min && v <= range.max;

/**
 * The chat settings in `v` (from a file or the dialog) with only the fields that are set, or null
 * when one is not valid: a prompt that is not text, a temperature or token count out of range.
 */
export function parseChatSettings(v: unknown): ChatSettings | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const { systemPrompt, temperature, maxTokens } = v as Record<string, unknown>;
  const own: ChatSettings = {};
  if (systemPrompt !== undefined) {
    if (typeof systemPrompt !== 'string') return null;
    own.systemPrompt = systemPrompt;
  }
  if (temperature !== undefined) {
    if (!inRange(temperature, TEMPERATURE_RANGE)) return null;
    own.temperature = temperature;
  }
  if (maxTokens !== undefined) {
    if (!inRange(maxTokens, MAX_TOKENS_RANGE) || !Number.isInteger(maxTokens)) return null;
    own.maxTokens = maxTokens;
  }
  return own;
}

/** True when the conversation sets nothing of its own. */
export const followsApp = (own: ChatSettings | undefined): boolean => !own || Object.values(own).every((v) => v === undefined);
