// Lighthouse 12.2.3, mobile (its default: a Moto G Power's screen, simulated slow 4G and a 4x slower
// CPU), on the built app as `npm start` serves it (tools/serve.ts, compressed), in Debian's Chromium
// through chrome-launcher, on a fresh profile each run. Prints each category's median score over
// the runs, the key metrics, and every audit that did not pass. Usage: npm run lighthouse [-- runs];
// LIGHTHOUSE_REPORT=file.json keeps the last run's full report.
import * as chromeLauncher from 'chrome-launcher';
import { writeFile } from 'node:fs/promises';
import lighthouse from 'lighthouse';
import { startServer } from '../tools/serve';

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'] as const;
const runs = Number(process.argv[2] ?? 3);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

const { server, url } = await startServer({ root: 'dist' });
const scores: Record<string, number[]> = Object.fromEntries(CATEGORIES.map((c) => [c, []]));
const metrics: Record<string, number[]> = Object.fromEntries(METRICS.map((m) => [m, []]));
const failing = new Map<string, string>();
try {
  // A run whose trace Lighthouse could not record (NO_NAVSTART on a loaded machine) is run again, at most twice.
  for (let run = 0, retries = 0; run < runs; run++) {
    const chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      chromeFlags: ['--headless=new', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
      if (!result) throw new Error('Lighthouse returned no result');
      const { lhr } = result;
      if (process.env.LIGHTHOUSE_REPORT) await writeFile(process.env.LIGHTHOUSE_REPORT, JSON.stringify(lhr, null, 1));
      if (lhr.runtimeError) {
        if (++retries > 2) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        console.log(`run ${run + 1}: ${lhr.runtimeError.code}, running it again`);
        run--;
        continue;
      }
      for (const c of CATEGORIES) {
        const category = lhr.categories[c];
        scores[c].push(Math.round((category.score ?? 0) * 100));
        for (const ref of category.auditRefs) {
          const audit = lhr.audits[ref.id];
          // Informative audits (no score, or weight 0 in performance) do not move the score; list the ones that count.
          if (audit.score !== null && audit.score < 1 && (ref.weight > 0 || c !== 'performance')) failing.set(`${c}: ${ref.id}`, `${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ''}`);
        }
      }
      for (const m of METRICS) metrics[m].push(lhr.audits[m].numericValue ?? NaN);
      console.log(`run ${run + 1}: ${CATEGORIES.map((c) => `${c} ${scores[c].at(-1)}`).join(', ')}`);
    } finally {
      await chrome.kill();
    }
  }
} finally {
  server.close();
}

console.log(`\nLighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version}, mobile, median of ${runs} runs on ${url}`);
for (const c of CATEGORIES) console.log(`  ${c}: ${median(scores[c])} (runs: ${scores[c].join(', ')})`);
for (const m of METRICS) {
  const value = median(metrics[m]);
  console.log(`  ${m}: ${m === 'cumulative-layout-shift' ? value.toFixed(3) : `${Math.round(value)} ms`}`);
}
if (failing.size) {
  console.log('\nAudits that did not pass in some run:');
  for (const [id, title] of failing) console.log(`  ${id}: ${title}`);
}
