// Exports a model as one ONNX decoder graph in the layout of an optimum export (what
// transformers.js loads for model_type glm), with the very weights a pack of the same format holds.
import { buildDecoderGraph } from './graphs';
import { readBasePart, readLayerPart } from '../formats/parts';
import type { ModelSource } from '../formats/source';
import type { WeightFormat } from '../formats/weights';

/** The file name suffix transformers.js picks for each `dtype` (onnx/model{suffix}.onnx). */
export const TRANSFORMERS_JS_SUFFIX: Partial<Record<WeightFormat, string>> = { f32: '', q8: '_quantized', q4: '_q4' };

/**
 * The whole model as one graph with its weights inline (protobuf caps a model at 2 GB). Holds every
 * weight at once: an export tool for desktops, not a path the app takes.
 */
export async function exportDecoder(source: ModelSource): Promise<Uint8Array> {
  if (TRANSFORMERS_JS_SUFFIX[source.format] === undefined) throw new RangeError(`${source.format} has no single-graph export (its key/value cache would have to be float16): use f32, q8 or q4`);
  const { config, format } = source;
  const base = readBasePart(await source.readBase(), config, format);
  const layers = [];
  for (let layer = 0; layer < config.numLayers; layer++) layers.push(readLayerPart(await source.readLayer(layer), layer, config, format));
  const graph = buildDecoderGraph(config, base, layers);
  if (graph.byteLength >= 2 ** 31) throw new RangeError(`the model takes ${graph.byteLength} bytes as ${format}, over protobuf's 2 GB limit: use q4`);
  return graph;
}
