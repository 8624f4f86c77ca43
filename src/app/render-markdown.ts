// Model output as safe HTML: Markdown rendered by marked with any raw HTML the model writes shown
// as text, then sanitized by DOMPurify as a second guard, so model output never becomes live markup.
// Code blocks and tables scroll inside their own box. Loaded through markdown.ts, apart from the first page.
import DOMPurify from 'dompurify';
import { Marked, Renderer, type Tokens } from 'marked';
import { escapeHtml } from './markdown';

const plain = new Renderer();

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    // A labelled block with a head (language, and the copy button the message view adds) and a
    // keyboard-scrollable <pre>, so a long line scrolls inside it instead of widening the page.
    code({ text, lang }) {
      const language = escapeHtml(/^\S*/.exec(lang ?? '')![0].toLowerCase());
      const label = language ? `<span class="code-lang">${language}</span>` : '';
      return `<div class="code-block"><div class="code-head">${label}</div><pre tabindex="0"><code data-language="${language}">${escapeHtml(text)}</code></pre></div>`;
    },
    table(this: Renderer, token: Tokens.Table) {
      return `<div class="table-scroll" tabindex="0">${plain.table.call(this, token)}</div>`;
    },
  },
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'img'] });
}
