// Block quantization: MatMulNBits' byte layout, error bounds, padding of a partial last block.
import { describe, expect, test } from 'vitest';
import { floatToHalf, halfToFloat } from '../../../src/engine/formats/half';
import { BLOCK_SIZE, dequantize, quantize } from '../../../src/engine/formats/quant';

describe('quantize', () => {
  test('4-bit packs element 2j in the low nibble and 2j+1 in the high nibble, zero point 8', () => {
    const w = new Float32Array(BLOCK_SIZE);
    w[0] = -8; // the extreme value: scale = -8 / -8 = 1, level 0
    w[1] = 3; // level 11
    w[2] = -1; // level 7
    const m = quantize(w, 1, BLOCK_SIZE, 4);
    expect(m.scales[0]).toBe(1);
    expect(m.data[0]).toBe(0 | (11 << 4));
    expect(m.data[1] & 15).toBe(7);
    expect(m.data[2]).toBe(8 | (8 << 4));
  });

  test('8-bit stores levels around 128 with scale max|w| / 127', () => {
    const w = Float32Array.from({ length: BLOCK_SIZE }, (_, i) => i - 10);
    const m = quantize(w, 1, BLOCK_SIZE, 8);
    expect(m.scales[0]).toBeCloseTo(21 / 127, 6);
    expect(m.data[10]).toBe(128);
    expect(m.data[31]).toBe(255);
  });

  // 8-bit rounds to the nearest level; 4-bit maps the extreme to -8, so the opposite side clips at +7
  // and can be off by a whole step there (as llama.cpp's Q4_0).
  test.each([
    [4, 1],
    [8, 0.5],
  ] as const)('%i-bit error stays within %f of a step of its block', (bits, steps) => {
    const n = 5;
    const k = 70; // two full blocks and a padded one
    const w = Float32Array.from({ length: n * k }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 7)));
    const m = quantize(w, n, k, bits);
    expect(m.blocksPerRow).toBe(3);
    const back = dequantize(m);
    for (let i = 0; i < w.length; i++) {
      const scale = Math.abs(m.scales[Math.floor(i / k) * m.blocksPerRow + Math.floor((i % k) / BLOCK_SIZE)]);
      expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(scale * steps + 1e-6);
    }
  });

  test('an all-zero block quantizes to zeros', () => {
    expect(Array.from(dequantize(quantize(new Float32Array(64), 2, 32, 4)))).toEqual(new Array(64).fill(0));
  });
});

describe('half precision', () => {
  test.each([0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8, 0.1])('round-trips %f to the nearest half', (x) => {
    const back = halfToFloat(floatToHalf(x));
    expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
  });

  test('rounds ties to even and overflows to infinity', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(halfToFloat(floatToHalf(1e6))).toBe(Infinity);
  });
});
