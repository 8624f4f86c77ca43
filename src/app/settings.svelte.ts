// User settings, kept in localStorage. Sampling settings apply to the next reply; backend, context
// length and memory budget apply when a model is loaded.
import { CHAT_DEFAULTS } from '../engine/defaults';

export type BackendChoice = 'auto' | 'webgpu' | 'wasm';
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface Settings {
  backend: BackendChoice;
  temperature: number;
  topP: number;
  maxTokens: number;
  systemPrompt: string;
  contextLength: number;
  /** Weights to keep loaded, in MiB (2^20 bytes); 0 = no limit. */
  memoryBudgetMiB: number;
  /** The pack to load at start. */
  modelId: string;
  /** Compute pressure (heat, other programs) neither slows nor pauses replies. */
  ignorePressure: boolean;
  /** Light, dark, or as the device's setting says. */
  theme: ThemeChoice;
}

const STORAGE_KEY = 'glm-pocket.settings';
const MiB = 2 ** 20;

export const DEFAULT_SETTINGS: Settings = {
  backend: 'auto',
  temperature: CHAT_DEFAULTS.temperature,
  topP: CHAT_DEFAULTS.topP,
  maxTokens: CHAT_DEFAULTS.maxNewTokens,
  systemPrompt: '',
  contextLength: CHAT_DEFAULTS.contextTokens,
  memoryBudgetMiB: 0,
  modelId: 'glm-pocket-demo-q4',
  ignorePressure: false,
  theme: 'system',
};

function load(): Settings {
  try {
    const { memoryBudgetMB, ...saved } = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '{}') as Partial<Settings> & { memoryBudgetMB?: number };
    // Earlier versions kept the budget in MB (10^6 bytes).
    const migrated = typeof memoryBudgetMB === 'number' ? { memoryBudgetMiB: Math.round((memoryBudgetMB * 1e6) / MiB) } : {};
    return { ...DEFAULT_SETTINGS, ...migrated, ...saved };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export const settings = $state<Settings>(load());

/** The memory budget in bytes, or undefined for no limit. */
export function memoryBudgetBytes(): number | undefined {
  return settings.memoryBudgetMiB > 0 ? settings.memoryBudgetMiB * MiB : undefined;
}

let saved = '';

/** Writes the settings when they changed (a localStorage write blocks the page; loading a model saves them too). */
export function saveSettings(): void {
  const text = JSON.stringify(settings);
  if (text === saved && localStorage.getItem(STORAGE_KEY) === text) return;
  localStorage.setItem(STORAGE_KEY, text);
  saved = text;
}
