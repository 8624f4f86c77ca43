// CLI: export a Hugging Face GLM checkpoint as a single-graph ONNX decoder folder in transformers.js's
// layout (config, tokenizer, onnx/model{_q4,_quantized}.onnx), e.g. to compare runtimes on identical weights.
//   npm run export -- --model DIR --quant q4|q8|f32 --out DIR
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { exportDecoder, TRANSFORMERS_JS_SUFFIX } from '../src/engine/graph/export';
import { checkpointSource } from '../src/engine/formats/source';
import { WEIGHT_FORMATS, type WeightFormat } from '../src/engine/formats/weights';
import { folderFiles } from './node-files';

const USAGE = 'usage: export --model DIR --quant q4|q8|f32 --out DIR';

/** Writes the folder and returns the graph's path. */
export async function exportTransformersJs(checkpointDir: string, format: WeightFormat, out: string): Promise<string> {
  const graph = await exportDecoder(checkpointSource(await openCheckpoint(folderFiles(checkpointDir)), format));
  await mkdir(join(out, 'onnx'), { recursive: true });
  for (const name of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    await copyFile(join(checkpointDir, name), join(out, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT' || name === 'config.json' || name === 'tokenizer.json') throw error;
    });
  }
  const file = join(out, 'onnx', `model${TRANSFORMERS_JS_SUFFIX[format]}.onnx`);
  await writeFile(file, graph);
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, quant: { type: 'string', default: 'q4' }, out: { type: 'string' } } });
  try {
    if (!values.model || !values.out) throw new Error(USAGE);
    const format = values.quant as WeightFormat;
    if (!WEIGHT_FORMATS.includes(format)) throw new Error(`--quant must be one of ${WEIGHT_FORMATS.join(', ')}`);
    console.log(`wrote ${await exportTransformersJs(values.model, format, values.out)}`);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
