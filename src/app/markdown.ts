// Model output as safe HTML: Markdown rendered by marked with any raw HTML the model writes shown
// as text, then sanitized by DOMPurify as a second guard, so model output never becomes live markup.
// Code blocks and tables scroll inside their own box; code is highlighted once a reply is complete.
import DOMPurify from 'dompurify';
import { Marked, Renderer, type Tokens } from 'marked';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

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

/** Highlights the code blocks under `root` in place (the highlighter loads on first use). */
export async function highlightBlocks(root: HTMLElement): Promise<void> {
  const blocks = [...root.querySelectorAll<HTMLElement>('code[data-language]:not([data-language=""]):not(.hljs)')];
  if (!blocks.length) return;
  const { highlightCode } = await import('./highlight');
  for (const block of blocks) {
    const html = highlightCode(block.textContent ?? '', block.dataset.language!);
    if (html === null) continue;
    block.innerHTML = html;
    block.classList.add('hljs');
  }
}
