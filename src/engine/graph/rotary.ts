// Rotary position embedding tables for GLM's interleaved rotary over the first rotaryDim dims of a head.
import type { GlmConfig } from '../formats/config';

/** inv_freq[i] = theta^(-2i / rotaryDim), i < rotaryDim / 2, rounded to float32 as transformers does. */
export function inverseFrequencies(config: GlmConfig): Float32Array {
  const half = config.rotaryDim / 2;
  return Float32Array.from({ length: half }, (_, i) => 1 / config.ropeTheta ** ((2 * i) / config.rotaryDim));
}

/** cos and sin caches [positions, rotaryDim / 2], as GroupQueryAttention takes them. */
export function rotaryCaches(config: GlmConfig, positions: number): { cos: Float32Array; sin: Float32Array } {
  const inv = inverseFrequencies(config);
  const cos = new Float32Array(positions * inv.length);
  const sin = new Float32Array(positions * inv.length);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < inv.length; i++) {
      const angle = Math.fround(p * inv[i]);
      cos[p * inv.length + i] = Math.cos(angle);
      sin[p * inv.length + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}
