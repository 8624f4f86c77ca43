// Which models GLM Pocket's CPU kernels (kernels.c) run: q4/q8 weights of shapes the attention
// kernel takes. Pure, so the fit verdict can ask before anything is loaded.
import type { GlmConfig } from '../formats/config';
import { isQuantized, type WeightFormat } from '../formats/weights';

/** Why a model cannot run on the CPU kernels, or null when it can. */
export function cpuKernelsProblem(config: GlmConfig, format: WeightFormat): string | null {
  if (!isQuantized(format)) return `the CPU kernels run q4 and q8 weights, not ${format}`;
  if (config.headDim % 4 !== 0) return `the CPU kernels need a head dimension divisible by 4, not ${config.headDim}`;
  if (config.numHeads % config.numKvHeads !== 0) return `${config.numHeads} attention heads do not share ${config.numKvHeads} key/value heads evenly`;
  if (config.rotaryDim % 2 !== 0 || config.rotaryDim > config.headDim) return `rotary width ${config.rotaryDim} does not fit head dimension ${config.headDim}`;
  return null;
}
