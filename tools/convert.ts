// CLI: convert a Hugging Face GLM checkpoint folder into a pack folder any static server can host.
//   npm run convert -- --model DIR --quant q4|q8|f16|f32 --out DIR [--id ID] [--name NAME] [--chunk-mb 16]
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/checkpoint';
import { writePack } from '../src/engine/pack/write';
import { WEIGHT_FORMATS, type WeightFormat } from '../src/engine/weights';
import { folderFiles, folderSink } from './node-files';

const USAGE = 'usage: convert --model DIR --quant q4|q8|f16|f32 --out DIR [--id ID] [--name NAME] [--chunk-mb 16]';
const { values } = parseArgs({
  options: { model: { type: 'string' }, quant: { type: 'string', default: 'q4' }, out: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, 'chunk-mb': { type: 'string', default: '16' } },
});

try {
  if (!values.model || !values.out) throw new Error(USAGE);
  const format = values.quant as WeightFormat;
  if (!WEIGHT_FORMATS.includes(format)) throw new Error(`--quant must be one of ${WEIGHT_FORMATS.join(', ')}`);
  const chunkMiB = Number(values['chunk-mb']);
  if (!(chunkMiB > 0)) throw new Error('--chunk-mb must be a positive number');
  const started = performance.now();
  const checkpoint = await openCheckpoint(folderFiles(values.model));
  const id = values.id ?? `${basename(resolve(values.model))}-${format}`;
  const manifest = await writePack(checkpoint, format, folderSink(values.out), {
    id,
    name: values.name,
    chunkBytes: Math.round(chunkMiB * 1024 * 1024),
    onProgress: (done, total) => process.stderr.write(`\rconverting: part ${done} of ${total}`),
  });
  const chunks = manifest.parts.reduce((n, p) => n + p.chunks.length, 1);
  process.stderr.write('\n');
  console.log(`wrote pack ${manifest.id} (${format}) to ${values.out}: ${(manifest.totalBytes / 1e6).toFixed(1)} MB in ${chunks} files, ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
