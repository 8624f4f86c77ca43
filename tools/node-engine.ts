// The engine in Node, for the CLI and the benchmarks: LocalEngine over onnxruntime-web's wasm
// backend, models opened from the local disk (a checkpoint folder, a pack folder or a .gguf file).
import * as ort from 'onnxruntime-web';
import { stat } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { openCheckpoint } from '../src/engine/formats/checkpoint';
import { LocalEngine, type EngineHost } from '../src/engine/engine';
import { ggufSource, openGguf } from '../src/engine/formats/gguf';
import { MANIFEST_FILE } from '../src/engine/formats/pack/manifest';
import { openPack } from '../src/engine/formats/pack/read';
import { checkpointSource, type ModelSource } from '../src/engine/formats/source';
import { WEIGHT_FORMATS, type WeightFormat } from '../src/engine/formats/weights';
import { folderFiles, packFolder } from './node-files';

/** A model on disk; `format` converts a checkpoint or a GGUF (a pack has its own). */
export interface DiskModel {
  path: string;
  format?: WeightFormat;
}

/** The weight format asked for is not one the engine runs, or not the pack's. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

function checkFormat(format: string | undefined): WeightFormat {
  const chosen = (format ?? 'q4') as WeightFormat;
  if (!WEIGHT_FORMATS.includes(chosen)) throw new FormatError(`--quant must be one of ${WEIGHT_FORMATS.join(', ')}`);
  return chosen;
}

export async function openDiskModel({ path, format }: DiskModel): Promise<ModelSource> {
  if (/\.gguf$/i.test(path)) return ggufSource(await openGguf(folderFiles(dirname(path)), basename(path)), checkFormat(format));
  if ((await stat(join(path, MANIFEST_FILE)).catch(() => null)) !== null) {
    const pack = await openPack(packFolder(path));
    if (format !== undefined && format !== pack.format) throw new FormatError(`${path} is a ${pack.format} pack; convert the checkpoint again for ${format}`);
    return pack;
  }
  return checkpointSource(await openCheckpoint(folderFiles(path)), checkFormat(format));
}

/** The facts Node knows of this machine: its memory (no GPU: the CLI runs on the CPU). */
export const nodeDeviceFacts = () => Promise.resolve({ facts: { memoryBytes: totalmem() } });

export const nodeHost: EngineHost<DiskModel> = {
  async runtime(backend, threads) {
    if (backend !== 'wasm') throw new FormatError('the CLI runs on the CPU (wasm); WebGPU runs in the browser');
    ort.env.wasm.numThreads = threads ?? Math.min(4, cpus().length);
    return ort;
  },
  open: openDiskModel,
  deviceFacts: nodeDeviceFacts,
};

export function nodeEngine(): LocalEngine<DiskModel> {
  return new LocalEngine(nodeHost);
}
