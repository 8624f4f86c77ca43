// GGUF block types llama.cpp writes, decoded to floats: Q4_0/Q8_0 (also mapped directly onto the
// engine's q4/q8 by gguf.ts), Q4_1, Q5_0, Q5_1 and the K-quants Q4_K, Q5_K, Q6_K; and the float types' sizes.
import { GGMLQuantizationType } from '@huggingface/gguf';
import { halfToFloat } from './half';

/** 6-bit scale and min j of a K-quant block's 12 packed bytes (llama.cpp's get_scale_min_k4). */
function scaleMinK4(b: DataView, at: number, j: number): [number, number] {
  const q = (i: number) => b.getUint8(at + i);
  if (j < 4) return [q(j) & 63, q(j + 4) & 63];
  return [(q(j + 4) & 15) | ((q(j - 4) >> 6) << 4), (q(j + 4) >> 4) | ((q(j) >> 6) << 4)];
}

/** Q4_K and Q5_K: 8 sub-blocks of 32 with 6-bit scales and mins; Q5_K adds a fifth bit from qh. */
function decodeK(b: DataView, at: number, out: Float32Array, to: number, fifthBits: boolean): void {
  const d = halfToFloat(b.getUint16(at, true));
  const dmin = halfToFloat(b.getUint16(at + 2, true));
  const qh = at + 16;
  const qs = fifthBits ? at + 48 : at + 16;
  for (let chunk = 0; chunk < 4; chunk++) {
    const [sc1, m1] = scaleMinK4(b, at + 4, 2 * chunk);
    const [sc2, m2] = scaleMinK4(b, at + 4, 2 * chunk + 1);
    for (let l = 0; l < 32; l++) {
      const q = b.getUint8(qs + 32 * chunk + l);
      const h = fifthBits ? b.getUint8(qh + l) >> (2 * chunk) : 0;
      out[to + 64 * chunk + l] = d * sc1 * ((q & 15) + (h & 1 ? 16 : 0)) - dmin * m1;
      out[to + 64 * chunk + 32 + l] = d * sc2 * ((q >> 4) + (h & 2 ? 16 : 0)) - dmin * m2;
    }
  }
}

/**
 * Q4_0, Q4_1, Q5_0 and Q5_1: 32 values, f16 d (then an f16 min m for *_1), a u32 of fifth bits for
 * Q5_*, 16 bytes of nibbles (byte j: values j and j + 16). Value = d * (q - offset), or d * q + m.
 */
function decodeLegacy(b: DataView, at: number, out: Float32Array, to: number, withMin: boolean, fifthBits: boolean): void {
  const d = halfToFloat(b.getUint16(at, true));
  const m = withMin ? halfToFloat(b.getUint16(at + 2, true)) : 0;
  const qhAt = at + (withMin ? 4 : 2);
  const qh = fifthBits ? b.getUint32(qhAt, true) : 0;
  const qs = qhAt + (fifthBits ? 4 : 0);
  const offset = withMin ? 0 : fifthBits ? 16 : 8;
  for (let j = 0; j < 16; j++) {
    const q = b.getUint8(qs + j);
    out[to + j] = ((q & 15) - offset + (((qh >>> j) << 4) & 16)) * d + m;
    out[to + j + 16] = ((q >> 4) - offset + ((qh >>> (j + 12)) & 16)) * d + m;
  }
}

/** Values per block, bytes per block, and the decoder of one block, for each type read here. */
export const BLOCK_TYPES: Partial<Record<GGMLQuantizationType, { values: number; bytes: number; decode: (b: DataView, at: number, out: Float32Array, to: number) => void }>> = {
  [GGMLQuantizationType.Q4_K]: { values: 256, bytes: 144, decode: (b, at, out, to) => decodeK(b, at, out, to, false) },
  [GGMLQuantizationType.Q5_K]: { values: 256, bytes: 176, decode: (b, at, out, to) => decodeK(b, at, out, to, true) },
  [GGMLQuantizationType.Q6_K]: {
    values: 256,
    bytes: 210,
    decode: (b, at, out, to) => {
      const d = halfToFloat(b.getUint16(at + 208, true));
      for (let half = 0; half < 2; half++) {
        const ql = at + 64 * half;
        const qh = at + 128 + 32 * half;
        const sc = (i: number) => b.getInt8(at + 192 + 8 * half + i);
        for (let l = 0; l < 32; l++) {
          const is = l >> 4;
          const h = b.getUint8(qh + l);
          const lo = b.getUint8(ql + l);
          const hi = b.getUint8(ql + l + 32);
          const base = to + 128 * half + l;
          out[base] = d * sc(is) * (((lo & 15) | ((h & 3) << 4)) - 32);
          out[base + 32] = d * sc(is + 2) * (((hi & 15) | (((h >> 2) & 3) << 4)) - 32);
          out[base + 64] = d * sc(is + 4) * (((lo >> 4) | (((h >> 4) & 3) << 4)) - 32);
          out[base + 96] = d * sc(is + 6) * (((hi >> 4) | (((h >> 6) & 3) << 4)) - 32);
        }
      }
    },
  },
  [GGMLQuantizationType.Q4_0]: { values: 32, bytes: 18, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, false, false) },
  [GGMLQuantizationType.Q4_1]: { values: 32, bytes: 20, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, true, false) },
  [GGMLQuantizationType.Q5_0]: { values: 32, bytes: 22, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, false, true) },
  [GGMLQuantizationType.Q5_1]: { values: 32, bytes: 24, decode: (b, at, out, to) => decodeLegacy(b, at, out, to, true, true) },
  [GGMLQuantizationType.Q8_0]: {
    values: 32,
    bytes: 34,
    decode: (b, at, out, to) => {
      const d = halfToFloat(b.getUint16(at, true));
      for (let j = 0; j < 32; j++) out[to + j] = b.getInt8(at + 2 + j) * d;
    },
  },
};

export const FLOAT_BYTES: Partial<Record<GGMLQuantizationType, number>> = { [GGMLQuantizationType.F32]: 4, [GGMLQuantizationType.F16]: 2, [GGMLQuantizationType.BF16]: 2 };
