// GLM tokenizer and chat template: @huggingface/tokenizers for tokenizer.json, @huggingface/jinja
// for tokenizer_config.json's chat_template, rendered within bounds (the template is data, not code we trust).
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { CheckpointError } from '../errors';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * What one render of the chat template may take. Rendering is synchronous: a runaway template
 * would take the worker's heap or hold it forever. A GLM template takes a few dozen steps per
 * message (a step is a node evaluated, or a number range() makes) and makes about as much text as
 * the messages hold; the bounds grow with the conversation, far beyond that.
 */
interface TemplateBounds {
  steps: number;
  /** The longest text any step may make (the prompt included). */
  chars: number;
  /** The longest list any step may make. */
  items: number;
  ms: number;
}

function templateBounds(messages: readonly ChatMessage[]): TemplateBounds {
  const messageChars = messages.reduce((sum, m) => sum + m.content.length, 0);
  return { steps: 100_000 + 1_000 * messages.length, chars: (1 << 20) + 2 * messageChars, items: 1 << 20, ms: 1000 + messages.length };
}

type Statement = Parameters<Interpreter['evaluate']>[0];
type RuntimeValue = ReturnType<Interpreter['evaluate']>;

function templateError(problem: string): CheckpointError {
  return new CheckpointError('tokenizer_config.json', `chat_template ${problem}`);
}

/**
 * jinja's interpreter, counting each node it evaluates as a step and refusing texts and lists past
 * the bounds as they are made. The clock is read at every step: a step costs far more than the read.
 */
class BoundedInterpreter extends Interpreter {
  private steps = 0;
  private readonly deadline: number;

  constructor(
    env: Environment,
    private readonly bounds: TemplateBounds,
  ) {
    super(env);
    this.deadline = performance.now() + bounds.ms;
  }

  override evaluate(statement: Statement, environment: Environment): RuntimeValue {
    this.spend(1);
    const result = super.evaluate(statement, environment);
    const { value } = result;
    if (typeof value === 'string' && value.length > this.bounds.chars) throw templateError(`made a text longer than ${this.bounds.chars} characters`);
    if (Array.isArray(value) && value.length > this.bounds.items) throw templateError(`made a list longer than ${this.bounds.items} items`);
    return result;
  }

  /** The library's range(), its numbers paid for as steps before its list is built (in one call, of any length). */
  range(start: number, stop?: number, step = 1): number[] {
    if (stop === undefined) [start, stop] = [0, start];
    if (step === 0) throw new Error('range() step must not be zero');
    const count = Math.max(0, Math.ceil((stop - start) / step)) || 0;
    if (count > this.bounds.steps) throw templateError(`asked range() for ${count} numbers, more than the ${this.bounds.steps} steps this render may take`);
    this.spend(count);
    const numbers: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) numbers.push(i);
    return numbers;
  }

  private spend(steps: number): void {
    this.steps += steps;
    if (this.steps > this.bounds.steps) throw templateError(`took more than ${this.bounds.steps} steps to render`);
    if (performance.now() > this.deadline) throw templateError(`took more than ${this.bounds.ms} ms to render`);
  }
}

/** The globals Template.render declares (the library's setupGlobals, not exported), with the bounded range. */
function declareGlobals(env: Environment, interpreter: BoundedInterpreter): void {
  for (const [name, value] of Object.entries({ true: true, false: false, none: null, True: true, False: false, None: null })) env.set(name, value);
  env.set('raise_exception', (message: string) => {
    throw new Error(message);
  });
  env.set('range', (start: number, stop?: number, step?: number) => interpreter.range(start, stop, step));
  env.set('strftime_now', (format: string) => strftime(new Date(), format));
}

/** The directives of the library's strftime_now: %Y %m %d %b %B %H %M %%. */
function strftime(date: Date, format: string): string {
  const pad2 = (n: number) => String(n).padStart(2, '0');
  const fields: Record<string, () => string> = {
    '%Y': () => String(date.getFullYear()),
    '%m': () => pad2(date.getMonth() + 1),
    '%d': () => pad2(date.getDate()),
    '%b': () => new Intl.DateTimeFormat(undefined, { month: 'short' }).format(date),
    '%B': () => new Intl.DateTimeFormat(undefined, { month: 'long' }).format(date),
    '%H': () => pad2(date.getHours()),
    '%M': () => pad2(date.getMinutes()),
    '%%': () => '%',
  };
  return format.replace(/%[YmdbBHM%]/g, (token) => fields[token]());
}

/** Renders a parsed template within templateBounds(); any failure is a CheckpointError naming tokenizer_config.json. */
function renderBounded(template: Template, messages: readonly ChatMessage[], context: Record<string, unknown>): string {
  try {
    const env = new Environment();
    const interpreter = new BoundedInterpreter(env, templateBounds(messages));
    declareGlobals(env, interpreter);
    for (const [name, value] of Object.entries({ ...context, messages })) env.set(name, value);
    return interpreter.run(template.parsed).value as string;
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw templateError(`failed: ${(error as Error).message}`);
  }
}

function parseTemplate(source: string): Template {
  try {
    return new Template(source);
  } catch (error) {
    throw templateError(`does not parse: ${(error as Error).message}`);
  }
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
    this.template = typeof source === 'string' ? parseTemplate(source) : null;
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
    return renderBounded(this.template, messages, { ...this.templateContext, add_generation_prompt: true });
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
