// Block-wise symmetric quantization in MatMulNBits' layout: a [N, K] weight becomes
// data [N, blocks, blockBytes] (uint8, zero point 8 for 4 bits, 128 for 8 bits) and scales [N * blocks].
// 4-bit packs element 2j in the low nibble and 2j+1 in the high nibble, as the kernel reads it.

export const BLOCK_SIZE = 32;

export type QuantBits = 4 | 8;

export interface QuantizedMatrix {
  bits: QuantBits;
  /** Output features (rows of the Hugging Face weight). */
  n: number;
  /** Input features (columns). */
  k: number;
  blocksPerRow: number;
  data: Uint8Array;
  scales: Float32Array;
}

/** Blocks of BLOCK_SIZE along K in one row (the last one padded). */
export function blocksPerRow(k: number): number {
  return Math.ceil(k / BLOCK_SIZE);
}

export function blockBytes(bits: QuantBits): number {
  return (BLOCK_SIZE * bits) / 8;
}

export function quantize(weight: Float32Array, n: number, k: number, bits: QuantBits): QuantizedMatrix {
  const blocks = blocksPerRow(k);
  const bytes = blockBytes(bits);
  const data = new Uint8Array(n * blocks * bytes);
  const scales = new Float32Array(n * blocks);
  const zeroPoint = bits === 4 ? 8 : 128;
  const maxLevel = bits === 4 ? 15 : 255;
  const q = new Uint8Array(BLOCK_SIZE);
  for (let row = 0; row < n; row++) {
    for (let block = 0; block < blocks; block++) {
      const start = row * k + block * BLOCK_SIZE;
      const count = Math.min(BLOCK_SIZE, k - block * BLOCK_SIZE);
      // The signed value of largest magnitude maps to the most negative level (-8 or -128),
      // using the whole range as llama.cpp's Q4_0 does; for 8 bits +-127 is symmetric enough.
      let extreme = 0;
      for (let i = 0; i < count; i++) if (Math.abs(weight[start + i]) > Math.abs(extreme)) extreme = weight[start + i];
      const scale = extreme === 0 ? 0 : bits === 4 ? extreme / -8 : Math.abs(extreme) / 127;
      const inverse = scale === 0 ? 0 : 1 / scale;
      q.fill(zeroPoint);
      for (let i = 0; i < count; i++) {
        q[i] = Math.min(maxLevel, Math.max(0, Math.round(weight[start + i] * inverse) + zeroPoint));
      }
      const blockIndex = row * blocks + block;
      scales[blockIndex] = scale;
      const out = blockIndex * bytes;
      if (bits === 8) data.set(q, out);
      else for (let j = 0; j < bytes; j++) data[out + j] = q[2 * j] | (q[2 * j + 1] << 4);
    }
  }
  return { bits, n, k, blocksPerRow: blocks, data, scales };
}

/** The matrix's values, [N, K] row-major, or [K, N] with `transposed` (the layout MatMul reads). */
export function dequantize(m: QuantizedMatrix, transposed = false): Float32Array {
  const out = new Float32Array(m.n * m.k);
  const bytes = blockBytes(m.bits);
  const zeroPoint = m.bits === 4 ? 8 : 128;
  for (let row = 0; row < m.n; row++) {
    for (let col = 0; col < m.k; col++) {
      const block = Math.floor(col / BLOCK_SIZE);
      const blockIndex = row * m.blocksPerRow + block;
      const inBlock = col % BLOCK_SIZE;
      let level: number;
      if (m.bits === 8) level = m.data[blockIndex * bytes + inBlock];
      else {
        const byte = m.data[blockIndex * bytes + (inBlock >> 1)];
        level = inBlock & 1 ? byte >> 4 : byte & 15;
      }
      out[transposed ? col * m.n + row : row * m.k + col] = (level - zeroPoint) * m.scales[blockIndex];
    }
  }
  return out;
}
