// Model output as safe HTML: Markdown rendered by marked, then sanitized by DOMPurify, so nothing
// the model writes becomes live markup (no scripts, no event handlers, no javascript: links).
import DOMPurify from 'dompurify';
import { marked } from 'marked';

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'img'] });
}
