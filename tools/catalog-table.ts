// Prints the size and memory table of the known GLM checkpoints for docs/models.md.
//   npx tsx tools/catalog-table.ts
import { CATALOG, footprint } from '../src/app/catalog';
import { formatBytes } from '../src/util/bytes';

const CONTEXT = 4096;
console.log(`| model | quantization | download | memory at ${CONTEXT} tokens of context | largest GPU binding |`);
console.log('|---|---|---|---|---|');
for (const entry of CATALOG) {
  for (const format of ['q4', 'q8', 'f16'] as const) {
    const f = footprint(entry.config, format, CONTEXT);
    console.log(`| ${entry.label} (\`${entry.repo}\`) | ${format} | ${formatBytes(f.downloadBytes)} | ${formatBytes(f.memoryBytes)} | ${formatBytes(f.largestTensorBytes)} |`);
  }
}
