// User settings, kept in localStorage. Sampling settings apply to the next reply; backend, context
// length and memory budget apply when a model is loaded.
export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

export interface Settings {
  backend: BackendChoice;
  temperature: number;
  topP: number;
  maxTokens: number;
  systemPrompt: string;
  contextLength: number;
  /** 0 = no limit. */
  memoryBudgetMB: number;
  /** The pack to load at start. */
  modelId: string;
}

const STORAGE_KEY = 'glm-pocket.settings';

export const DEFAULT_SETTINGS: Settings = {
  backend: 'auto',
  temperature: 0.7,
  topP: 0.9,
  maxTokens: 256,
  systemPrompt: '',
  contextLength: 2048,
  memoryBudgetMB: 0,
  modelId: 'glm-pocket-demo-q4',
};

function load(): Settings {
  try {
    return { ...DEFAULT_SETTINGS, ...JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '{}') };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export const settings = $state<Settings>(load());

export function saveSettings(): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
}
