// CLI: convert a Hugging Face GLM checkpoint folder into a pack folder any static server can host.
//   npm run convert -- --model DIR --quant q4|q8|f16|f32 --out DIR [--id ID] [--name NAME] [--chunk-mb 16]
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { writePack } from '../src/engine/formats/pack/write';
import { WEIGHT_FORMATS, type WeightFormat } from '../src/engine/formats/weights';
import { folderFiles, folderSink } from './node-files';
import { reportError, usage, UsageError } from './usage';

const USAGE = 'usage: convert --model DIR --quant q4|q8|f16|f32 --out DIR [--id ID] [--name NAME] [--chunk-mb 16 (at least 1)]';
const OPTIONS = {
  options: { model: { type: 'string' }, quant: { type: 'string', default: 'q4' }, out: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, 'chunk-mb': { type: 'string', default: '16' } },
} as const;

/** Smaller chunks only multiply files and requests: a 4 GB model in 1 KiB chunks would be four million files. */
const MIN_CHUNK_MIB = 1;

function parseCommandLine(): ReturnType<typeof parseArgs<typeof OPTIONS>>['values'] {
  return usage(() => parseArgs(OPTIONS).values);
}

/** --chunk-mb as a whole number of bytes, checked before the checkpoint is read. */
function chunkBytesFromMiB(text: string): number {
  const mib = Number(text);
  if (!Number.isFinite(mib) || mib < MIN_CHUNK_MIB) throw new UsageError(`--chunk-mb must be a number of MiB, at least ${MIN_CHUNK_MIB}; got "${text}"`);
  return Math.round(mib * 1024 * 1024);
}

try {
  const values = parseCommandLine();
  if (!values.model || !values.out) throw new UsageError('--model DIR and --out DIR are required');
  const format = values.quant as WeightFormat;
  if (!WEIGHT_FORMATS.includes(format)) throw new UsageError(`--quant must be one of ${WEIGHT_FORMATS.join(', ')}`);
  const chunkBytes = chunkBytesFromMiB(values['chunk-mb']);
  const started = performance.now();
  const checkpoint = await openCheckpoint(folderFiles(values.model));
  const id = values.id ?? `${basename(resolve(values.model))}-${format}`;
  const manifest = await writePack(checkpoint, format, folderSink(values.out), {
    id,
    name: values.name,
    chunkBytes,
    onProgress: (done, total) => process.stderr.write(`\rconverting: part ${done} of ${total}`),
  });
  const chunks = manifest.parts.reduce((n, p) => n + p.chunks.length, 1);
  process.stderr.write('\n');
  console.log(`wrote pack ${manifest.id} (${format}) to ${values.out}: ${(manifest.totalBytes / 1e6).toFixed(1)} MB in ${chunks} files, ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  reportError(error, USAGE);
}
