// GLM tokenizer and chat template: @huggingface/tokenizers for tokenizer.json, @huggingface/jinja
// for tokenizer_config.json's chat_template.
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { CheckpointError } from './errors';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export class GlmTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly template: Template | null;
  private readonly templateContext: Record<string, unknown>;

  constructor(tokenizerJson: unknown, tokenizerConfig: Record<string, unknown>) {
    try {
      this.tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig);
    } catch (error) {
      throw new CheckpointError('tokenizer.json', `could not be loaded: ${(error as Error).message}`);
    }
    const source = tokenizerConfig.chat_template;
    this.template = typeof source === 'string' ? new Template(source) : null;
    const tokenText = (key: string) => {
      const v = tokenizerConfig[key];
      return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? (v as { content?: string }).content : undefined;
    };
    this.templateContext = { bos_token: tokenText('bos_token') ?? '', eos_token: tokenText('eos_token') ?? '' };
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], skipSpecialTokens = true): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: skipSpecialTokens });
  }

  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /** The prompt text for a conversation, ending with the assistant's turn opener. */
  renderChat(messages: readonly ChatMessage[]): string {
    if (!this.template) throw new CheckpointError('tokenizer_config.json', 'has no chat_template');
    return this.template.render({ ...this.templateContext, messages, add_generation_prompt: true });
  }

  chatPromptIds(messages: readonly ChatMessage[]): number[] {
    return this.encode(this.renderChat(messages));
  }
}

/**
 * Turns a growing list of token ids into text deltas, holding back an incomplete UTF-8
 * sequence (a byte-level token can end mid-character) until it completes. Each push decodes only
 * the tokens since the last complete delta plus the one before them (for context such as a
 * leading space), not the whole reply: constant work per token however long the reply.
 */
export class TextStreamer {
  private ids: number[] = [];
  /** ids[prefix:read] were emitted already and are decoded again only as context. */
  private prefix = 0;
  private read = 0;

  constructor(private readonly tokenizer: GlmTokenizer) {}

  push(id: number): string {
    this.ids.push(id);
    const before = this.read > this.prefix ? this.tokenizer.decode(this.ids.slice(this.prefix, this.read)) : '';
    const text = this.tokenizer.decode(this.ids.slice(this.prefix));
    if (text.endsWith('\uFFFD') || text.length <= before.length) return '';
    this.prefix = this.read;
    this.read = this.ids.length;
    return text.slice(before.length);
  }
}
