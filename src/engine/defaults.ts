// The app's chat settings out of the box, which the CLI's chat takes too (a module of its own so
// that the page can read them without loading the engine).
export const CHAT_DEFAULTS = { temperature: 0.7, topP: 0.9, maxNewTokens: 256, contextTokens: 2048 } as const;
