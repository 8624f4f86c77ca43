// Model output as safe HTML, and its code highlighted once a reply is complete. The renderer
// (render-markdown.ts: marked and DOMPurify) loads after the first page is up, and before any
// conversation shows (startChat waits for it); the highlighter loads when a code block first needs it.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let render: ((text: string) => string) | null = null;

/** Loads the Markdown renderer (once). */
export async function loadMarkdown(): Promise<void> {
  render ??= (await import('./render-markdown')).renderMarkdown;
}

/** The text as safe HTML: Markdown once the renderer is loaded, escaped text before. */
export function renderMarkdown(text: string): string {
  return render ? render(text) : escapeHtml(text);
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
