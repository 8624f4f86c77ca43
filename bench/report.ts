// Tables and a chart for bench/run.ts: medians per configuration, ratios against transformers.js and llama.cpp.
// Run directly to redraw them from a results file: npx tsx bench/report.ts docs/benchmarks.json [--svg FILE]
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatBytes } from '../src/util/bytes';

export interface Summary {
  model: string;
  params: number;
  format: string;
  backend: string;
  variant: string;
  segments?: number;
  cpuKernels?: boolean;
  floatWeights?: boolean;
  /** GLM Pocket on wasm, q4/q8: lm_head and how many decoder layers ran int8. */
  int8?: { head: boolean; layers: number };
  /** GLM Pocket's memory budget, when the run set one. */
  budgetBytes?: number;
  /** The WebGPU adapter GLM Pocket ran on. */
  adapter?: string;
  /** Greedy tokens GLM Pocket and transformers.js agreed on, of those compared (wasm, before timing). */
  sameTokens: string;
  /** The timed run's tokens for the first prompt against transformers.js's on the same backend: "agreed/total". */
  tokensAsPeer?: string;
  loadMs: number;
  prompts: { promptTokens: number; timeToFirstTokenMs: number; prefillTokensPerSecond: number }[];
  decodeTokens: number;
  decodeTokensPerSecond: number;
  rendererBytes: number;
  gpuBytes: number;
  samples: number;
  /** Median 1-minute load average of the machine at the end of the runs. */
  loadAverage?: number;
}

const key = (s: Summary) => `${s.model}|${s.format}|${s.backend}`;

function groups(summaries: Summary[]): Summary[][] {
  const map = new Map<string, Summary[]>();
  for (const s of summaries) map.set(key(s), [...(map.get(key(s)) ?? []), s]);
  return [...map.values()];
}

export function markdownTables(summaries: Summary[]): string {
  const rows = [
    '| model | format | backend | runtime | segments | load | TTFT (prompt) | prefill tok/s | decode tok/s | decode vs transformers.js | decode vs llama.cpp | TTFT vs llama.cpp | tokens = transformers.js | renderer peak | GPU process peak |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  for (const group of groups(summaries)) {
    const peer = group.find((s) => s.variant === 'transformers.js');
    const llama = group.find((s) => s.variant === 'llama.cpp');
    for (const s of group) {
      const vsLlama = llama && s !== llama;
      const int8 = s.int8 && (s.int8.head || s.int8.layers) ? ` (int8: ${s.int8.layers} layers${s.int8.head ? ' + lm_head' : ''})` : '';
      const budget = s.budgetBytes !== undefined ? ` (budget ${formatBytes(s.budgetBytes)})` : '';
      const layout = s.variant === 'llama.cpp' ? `GGUF ${s.format === 'q4' ? 'Q4_0' : 'Q8_0'}` : s.cpuKernels ? `CPU kernels${budget}` : `${s.segments ?? '1 graph'}${s.floatWeights ? ' (f32 MatMul)' : ''}${int8}${budget}`;
      rows.push(
        `| ${s.model} (${(s.params / 1e6).toFixed(0)}M) | ${s.format} | ${s.backend}${s.adapter ? ` (${s.adapter})` : ''} | ${s.variant} | ${layout} | ${(s.loadMs / 1000).toFixed(2)} s | ` +
          `${s.prompts.map((p) => `${p.timeToFirstTokenMs.toFixed(0)} ms (${p.promptTokens})`).join('<br>')} | ${s.prompts.map((p) => p.prefillTokensPerSecond.toFixed(0)).join('<br>')} | ` +
          `${s.decodeTokensPerSecond.toFixed(1)} | ${peer && s !== peer ? ratio(s.decodeTokensPerSecond, peer.decodeTokensPerSecond) : ''} | ` +
          `${vsLlama ? ratio(s.decodeTokensPerSecond, llama.decodeTokensPerSecond) : ''} | ${vsLlama ? s.prompts.map((p, i) => ratio(p.timeToFirstTokenMs, llama.prompts[i].timeToFirstTokenMs)).join('<br>') : ''} | ` +
          `${s === peer ? '' : (s.tokensAsPeer ?? '')} | ${formatBytes(s.rendererBytes)} | ${formatBytes(s.gpuBytes)} |`,
      );
    }
  }
  const checks = groups(summaries).map((g) => `${g[0].model} ${g[0].format}: ${g[0].sameTokens}`);
  const loads = summaries.map((s) => s.loadAverage).filter((l): l is number => l !== undefined);
  const load = loads.length ? ` Machine load average (1 minute, median per row): ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}.` : '';
  return `${rows.join('\n')}\n\nGreedy tokens identical between GLM Pocket and transformers.js (wasm, first tokens after a 128-token prompt): ${[...new Set(checks)].join('; ')}.${load}`;
}

/** Decode tokens/s per configuration, one bar per runtime. */
export function chartSvg(summaries: Summary[]): string {
  const colors: Record<string, string> = { 'pocket-default': '#1f6f5c', 'pocket-layer': '#3f9580', 'pocket-single': '#8fcab9', 'pocket-kv-growing': '#b5ddd1', 'transformers.js': '#d9822b', 'llama.cpp': '#6b5fb5' };
  const all = groups(summaries);
  const max = Math.max(...summaries.map((s) => s.decodeTokensPerSecond), 1);
  const rowHeight = 18;
  const groupTops = all.map((_, g) => 34 + all.slice(0, g).reduce((sum, group) => sum + group.length * rowHeight + 22, 0));
  const left = 200;
  const width = 900;
  const height = (all.length ? groupTops[all.length - 1] + all[all.length - 1].length * rowHeight + 22 : 34) + 16;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`, `<text x="10" y="18" font-weight="bold">Decode tokens/s (median), higher is better</text>`];
  all.forEach((group, g) => {
    const y0 = groupTops[g];
    parts.push(`<text x="10" y="${y0 + rowHeight * 2 + 4}">${group[0].model} ${group[0].format} ${group[0].backend}</text>`);
    group.forEach((s, i) => {
      const w = ((width - left - 180) * s.decodeTokensPerSecond) / max;
      const y = y0 + i * rowHeight;
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 4}" fill="${colors[s.variant] ?? '#888'}"/>`);
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + rowHeight - 7}">${s.decodeTokensPerSecond.toFixed(1)} ${s.variant}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { svg: { type: 'string' } } });
  const { results } = JSON.parse(await readFile(positionals[0], 'utf8')) as { results: Summary[] };
  console.log(markdownTables(results));
  if (values.svg) await writeFile(values.svg, chartSvg(results));
}
