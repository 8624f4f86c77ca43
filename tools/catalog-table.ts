// Prints the size and memory table of the known GLM checkpoints for docs/models.md.
//   npx tsx tools/catalog-table.ts
import { CATALOG } from '../src/app/catalog';
import { modelSizes, planLoad } from '../src/engine/runtime/fit';
import { formatBytes } from '../src/util/bytes';

const CONTEXT = 4096;
console.log(`| model | quantization | download | memory at ${CONTEXT} tokens of context | largest GPU binding |`);
console.log('|---|---|---|---|---|');
for (const entry of CATALOG) {
  for (const format of ['q4', 'q8', 'f16'] as const) {
    const sizes = modelSizes(entry.config, format);
    const plan = planLoad(sizes, {}, { backend: 'webgpu', contextTokens: CONTEXT });
    console.log(`| ${entry.label} (\`${entry.repo}\`) | ${format} | ${formatBytes(sizes.weightBytes)} | ${formatBytes(plan.memoryBytes)} | ${formatBytes(sizes.largestTensorBytes)} |`);
  }
}
