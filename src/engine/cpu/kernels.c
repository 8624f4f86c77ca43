// GLM Pocket's CPU kernels: a GLM decoder run on the q4/q8 weights as the pack stores them
// (MatMulNBits' layout: [N, blocks of 32 along K, 16 or 32 bytes], one f32 scale a block, zero
// point 8 or 128), in WebAssembly SIMD. ORT-web's wasm MatMulNBits dequantizes every weight to f32 on
// every call; these kernels read the 4-bit bytes and multiply them as integers with activations
// quantized to 8 bits per block of 32 (as llama.cpp's Q8_0), so a token reads the pack's bytes once.
//
// No libc: every buffer is an offset into the memory JS gives the module (cpu/kernels.ts). Built by
// tools/build-kernels.ts (clang --target=wasm32 -msimd128); the built module is committed.
#include <stdint.h>
#include <wasm_simd128.h>

#define BLOCK 32
#define EXPORT __attribute__((visibility("default")))

/** e^x for the softmax and SiLU: 2^n * e^r with |r| <= ln2/2, a degree-6 polynomial (relative error ~2e-7). */
static float exp_f32(float x) {
  if (x < -87.f) return 0.f;
  if (x > 88.f) x = 88.f;
  float n = __builtin_rintf(x * 1.44269504f);
  float r = x - n * 0.693145751953125f - n * 1.428606765330187e-06f;
  float p = 1.f + r * (1.f + r * (0.5f + r * (0.16666667f + r * (0.041666668f + r * (0.008333334f + r * 0.0013888889f)))));
  union { float f; int32_t i; } scale = { .i = ((int32_t)n + 127) << 23 };
  return p * scale.f;
}

/**
 * Quantizes `rows` rows of x [rows, k] to 8 bits per block of 32 for the matmul kernels: xq [rows,
 * blocks * 32] int16 (the kernels widen weights to 16 bits, so activations are stored wide once) and
 * xs [rows, blocks] the block scales. `interleaved` (q4): each block's even elements first, then its
 * odd ones, matching the low and high nibbles of a q4 byte. A last partial block is zero-padded.
 */
EXPORT void quantize_rows(const float* x, int rows, int k, int16_t* xq, float* xs, int interleaved) {
  int blocks = (k + BLOCK - 1) / BLOCK;
  for (int row = 0; row < rows; row++) {
    const float* v = x + (long)row * k;
    for (int b = 0; b < blocks; b++) {
      float block[BLOCK];
      int start = b * BLOCK;
      float max = 0.f;
      for (int i = 0; i < BLOCK; i++) {
        block[i] = start + i < k ? v[start + i] : 0.f;
        float a = __builtin_fabsf(block[i]);
        max = a > max ? a : max;
      }
      float inverse = max > 0.f ? 127.f / max : 0.f;
      xs[(long)row * blocks + b] = max / 127.f;
      int16_t* out = xq + ((long)row * blocks + b) * BLOCK;
      for (int i = 0; i < BLOCK; i++) {
        int at = interleaved ? (i & 1) * (BLOCK / 2) + (i >> 1) : i;
        out[at] = (int16_t)__builtin_rintf(block[i] * inverse);
      }
    }
  }
}

/** One q4 block (16 bytes: element 2j in the low nibble of byte j, 2j+1 in the high) times an interleaved activation block: 4 partial sums. */
static inline v128_t q4_block(const uint8_t* w, v128_t x0, v128_t x1, v128_t x2, v128_t x3) {
  const v128_t low_mask = wasm_i8x16_splat(15), zero_point = wasm_i8x16_splat(8);
  v128_t bytes = wasm_v128_load(w);
  v128_t even = wasm_i8x16_sub(wasm_v128_and(bytes, low_mask), zero_point);
  v128_t odd = wasm_i8x16_sub(wasm_u8x16_shr(bytes, 4), zero_point);
  v128_t sum = wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(even), x0);
  sum = wasm_i32x4_add(sum, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(even), x1));
  sum = wasm_i32x4_add(sum, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(odd), x2));
  return wasm_i32x4_add(sum, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(odd), x3));
}

/** One q8 block (32 bytes, zero point 128) times an activation block in natural order. */
static inline v128_t q8_block(const uint8_t* w, v128_t x0, v128_t x1, v128_t x2, v128_t x3) {
  const v128_t flip = wasm_i8x16_splat((int8_t)0x80);
  v128_t a = wasm_v128_xor(wasm_v128_load(w), flip), b = wasm_v128_xor(wasm_v128_load(w + 16), flip);
  v128_t sum = wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(a), x0);
  sum = wasm_i32x4_add(sum, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(a), x1));
  sum = wasm_i32x4_add(sum, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(b), x2));
  return wasm_i32x4_add(sum, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(b), x3));
}

/** [sum of a, sum of b, sum of c, sum of d]. */
static inline v128_t sums4(v128_t a, v128_t b, v128_t c, v128_t d) {
  v128_t ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  v128_t cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i64x2_shuffle(ab, cd, 0, 2), wasm_i64x2_shuffle(ab, cd, 1, 3));
}

static inline float sum1(v128_t a) {
  return wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1) + wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3);
}

#define BLOCK_PRODUCT(bits, w, x0, x1, x2, x3) ((bits) == 4 ? q4_block(w, x0, x1, x2, x3) : q8_block(w, x0, x1, x2, x3))

/**
 * y[t, r] = sum over k of W[r, k] * x[t, k] for rows [first, end) of a q4 or q8 weight, for `tokens`
 * activation rows quantized by quantize_rows (interleaved for q4). y is [tokens, n]. Four weight rows
 * at a time: each block's activations are loaded once for four rows, and a group's bytes (at most
 * 4 x 16 KB for K = 8192) stay in the cache while every token reads them.
 */
static void matmul(int bits, const uint8_t* w, const float* ws, const int16_t* xq, const float* xs, float* y, int n, int k, int tokens, int first, int end) {
  int blocks = (k + BLOCK - 1) / BLOCK;
  long row_bytes = (long)blocks * BLOCK * bits / 8;
  int r = first;
  for (; r + 4 <= end; r += 4) {
    const uint8_t* w0 = w + r * row_bytes;
    const float* s0 = ws + (long)r * blocks;
    for (int t = 0; t < tokens; t++) {
      const int16_t* xt = xq + (long)t * blocks * BLOCK;
      const float* st = xs + (long)t * blocks;
      v128_t f0 = wasm_f32x4_splat(0.f), f1 = f0, f2 = f0, f3 = f0;
      for (int b = 0; b < blocks; b++) {
        const int16_t* xb = xt + b * BLOCK;
        v128_t x0 = wasm_v128_load(xb), x1 = wasm_v128_load(xb + 8), x2 = wasm_v128_load(xb + 16), x3 = wasm_v128_load(xb + 24);
        long at = (long)b * BLOCK * bits / 8;
        float sx = st[b];
        f0 = wasm_f32x4_add(f0, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(BLOCK_PRODUCT(bits, w0 + at, x0, x1, x2, x3)), wasm_f32x4_splat(s0[b] * sx)));
        f1 = wasm_f32x4_add(f1, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(BLOCK_PRODUCT(bits, w0 + row_bytes + at, x0, x1, x2, x3)), wasm_f32x4_splat(s0[blocks + b] * sx)));
        f2 = wasm_f32x4_add(f2, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(BLOCK_PRODUCT(bits, w0 + 2 * row_bytes + at, x0, x1, x2, x3)), wasm_f32x4_splat(s0[2 * blocks + b] * sx)));
        f3 = wasm_f32x4_add(f3, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(BLOCK_PRODUCT(bits, w0 + 3 * row_bytes + at, x0, x1, x2, x3)), wasm_f32x4_splat(s0[3 * blocks + b] * sx)));
      }
      v128_t out = sums4(f0, f1, f2, f3);
      float* yt = y + (long)t * n + r;
      yt[0] = wasm_f32x4_extract_lane(out, 0);
      yt[1] = wasm_f32x4_extract_lane(out, 1);
      yt[2] = wasm_f32x4_extract_lane(out, 2);
      yt[3] = wasm_f32x4_extract_lane(out, 3);
    }
  }
  for (; r < end; r++) {
    for (int t = 0; t < tokens; t++) {
      const int16_t* xt = xq + (long)t * blocks * BLOCK;
      v128_t f = wasm_f32x4_splat(0.f);
      for (int b = 0; b < blocks; b++) {
        const int16_t* xb = xt + b * BLOCK;
        v128_t d = BLOCK_PRODUCT(bits, w + r * row_bytes + (long)b * BLOCK * bits / 8, wasm_v128_load(xb), wasm_v128_load(xb + 8), wasm_v128_load(xb + 16), wasm_v128_load(xb + 24));
        f = wasm_f32x4_add(f, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(d), wasm_f32x4_splat(ws[(long)r * blocks + b] * xs[(long)t * blocks + b])));
      }
      y[(long)t * n + r] = sum1(f);
    }
  }
}

EXPORT void matmul_q4(const uint8_t* w, const float* ws, const int16_t* xq, const float* xs, float* y, int n, int k, int tokens, int first, int end) {
  matmul(4, w, ws, xq, xs, y, n, k, tokens, first, end);
}

EXPORT void matmul_q8(const uint8_t* w, const float* ws, const int16_t* xq, const float* xs, float* y, int n, int k, int tokens, int first, int end) {
  matmul(8, w, ws, xq, xs, y, n, k, tokens, first, end);
}

/** Row `row` of a q4/q8 matrix [n, k] as floats (the embedding lookup). */
EXPORT void dequantize_row(int bits, const uint8_t* w, const float* ws, int k, int row, float* out) {
  int blocks = (k + BLOCK - 1) / BLOCK;
  const uint8_t* bytes = w + (long)row * blocks * BLOCK * bits / 8;
  for (int i = 0; i < k; i++) {
    int level = bits == 8 ? bytes[i] - 128 : ((i & 1 ? bytes[i >> 1] >> 4 : bytes[i >> 1] & 15) - 8);
    out[i] = (float)level * ws[(long)row * blocks + i / BLOCK];
  }
}

/** RMSNorm of each of `rows` rows [rows, n]: y = x / sqrt(mean(x^2) + eps) * weight. */
EXPORT void rms_norm(const float* x, const float* weight, float* y, int rows, int n, float eps) {
  for (int row = 0; row < rows; row++) {
    const float* v = x + (long)row * n;
    float* out = y + (long)row * n;
    v128_t acc = wasm_f32x4_splat(0.f);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      v128_t a = wasm_v128_load(v + i);
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(a, a));
    }
    float sum = sum1(acc);
    for (; i < n; i++) sum += v[i] * v[i];
    float inverse = 1.f / __builtin_sqrtf(sum / (float)n + eps);
    for (i = 0; i < n; i++) out[i] = v[i] * inverse * weight[i];
  }
}

/** x += y, n elements. */
EXPORT void add_into(float* x, const float* y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(x + i, wasm_f32x4_add(wasm_v128_load(x + i), wasm_v128_load(y + i)));
  for (; i < n; i++) x[i] += y[i];
}

/** Each of `rows` rows of qkv [rows, n] gets bias [n] added. */
EXPORT void add_bias(float* x, const float* bias, int rows, int n) {
  for (int row = 0; row < rows; row++) add_into(x + (long)row * n, bias, n);
}

/** gate_up [rows, 2 * m] (gate first, then up) -> out [rows, m] = silu(gate) * up. */
EXPORT void silu_mul(const float* gate_up, float* out, int rows, int m) {
  for (int row = 0; row < rows; row++) {
    const float* gate = gate_up + (long)row * 2 * m;
    const float* up = gate + m;
    for (int i = 0; i < m; i++) out[(long)row * m + i] = gate[i] / (1.f + exp_f32(-gate[i])) * up[i];
  }
}

/** Positions per block of the KV cache (kernels.ts and cpu/model.ts size the cache in these). */
#define KV_BLOCK 64

/**
 * Where the key (`value` 0) or value (1) of key/value head g at position p of a layer lies. The cache
 * is a list of blocks of KV_BLOCK positions appended at the end of the memory as a sequence grows (it
 * never moves); a block holds every layer, and in a layer the keys of one head for all its positions
 * follow each other, then the next head's, then the values: attention reads each head's positions
 * as one run of memory.
 */
static inline float* kv_at(float* kv, int layer, int layers, int kv_heads, int head_dim, int value, int g, int p) {
  long layer_floats = 2L * kv_heads * KV_BLOCK * head_dim;
  return kv + (long)(p / KV_BLOCK) * layers * layer_floats + layer * layer_floats + ((long)(value * kv_heads + g) * KV_BLOCK + p % KV_BLOCK) * head_dim;
}

/**
 * The first half of a layer's attention for `rows` new tokens at positions past..past+rows-1: qkv
 * [rows, (heads + 2 * kv_heads) * head_dim] (q, then k, then v) gets interleaved rotary on the first
 * rotary_dim dims of each q and k head (cos/sin [positions, rotary_dim / 2]), and the cache at kv
 * (see kv_at) the new keys and values.
 */
EXPORT void attention_store(float* qkv, float* kv, int layer, int layers, int past, int rows, int heads, int kv_heads, int head_dim, int rotary_dim,
                            const float* cos, const float* sin) {
  int q_width = heads * head_dim, kv_width = kv_heads * head_dim, row_width = q_width + 2 * kv_width;
  int half = rotary_dim / 2;
  for (int t = 0; t < rows; t++) {
    int position = past + t;
    float* row = qkv + (long)t * row_width;
    const float* c = cos + (long)position * half;
    const float* s = sin + (long)position * half;
    for (int h = 0; h < heads + kv_heads; h++) {  // q heads, then k heads (contiguous in the row)
      float* v = row + h * head_dim;
      for (int i = 0; i < half; i++) {
        float x0 = v[2 * i], x1 = v[2 * i + 1];
        v[2 * i] = x0 * c[i] - x1 * s[i];
        v[2 * i + 1] = x1 * c[i] + x0 * s[i];
      }
    }
    for (int value = 0; value < 2; value++) {
      for (int g = 0; g < kv_heads; g++) {
        float* slot = kv_at(kv, layer, layers, kv_heads, head_dim, value, g, position);
        const float* from = row + q_width + value * kv_width + g * head_dim;
        for (int i = 0; i < head_dim; i++) slot[i] = from[i];
      }
    }
  }
}

/**
 * The second half, for key/value heads [g_first, g_end) and their query heads (threads split a
 * layer by them): each new token attends to every position up to its own. out [rows, heads *
 * head_dim]; scores is scratch of (heads / kv_heads) * (past + rows) floats.
 */
EXPORT void attention_heads(const float* qkv, float* kv, int layer, int layers, int past, int rows, int heads, int kv_heads, int head_dim,
                            float* out, float* scores, int g_first, int g_end) {
  int q_width = heads * head_dim, kv_width = kv_heads * head_dim, row_width = q_width + 2 * kv_width;
  int group = heads / kv_heads;
  float scale = 1.f / __builtin_sqrtf((float)head_dim);
  // Per new token and key/value head: the `group` query heads that share it read each cached key and
  // value once (at 1,500 positions a layer's cache is several MB: reading it once per head would
  // make a long chat's attention memory-bound).
  for (int t = 0; t < rows; t++) {
    int length = past + t + 1;
    const float* row = qkv + (long)t * row_width;
    for (int g = g_first; g < g_end; g++) {
      const float* q = row + g * group * head_dim;
      float* weights = scores;  // [group, length]
      for (int p = 0; p < length; p++) {
        const float* key = kv_at(kv, layer, layers, kv_heads, head_dim, 0, g, p);
        for (int j = 0; j < group; j++) {
          const float* qj = q + j * head_dim;
          v128_t acc = wasm_f32x4_splat(0.f);
          for (int i = 0; i < head_dim; i += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(qj + i), wasm_v128_load(key + i)));
          weights[(long)j * length + p] = sum1(acc) * scale;
        }
      }
      for (int j = 0; j < group; j++) {
        float* w = weights + (long)j * length;
        float max = -3.4e38f, total = 0.f;
        for (int p = 0; p < length; p++) max = w[p] > max ? w[p] : max;
        for (int p = 0; p < length; p++) {
          w[p] = exp_f32(w[p] - max);
          total += w[p];
        }
        float inverse = 1.f / total;
        for (int p = 0; p < length; p++) w[p] *= inverse;
      }
      // The weighted sum of the values, 16 dims at a time: each head's 4 vectors stay in registers
      // over all positions (instead of a load and a store of the output per position and head).
      float* o = out + (long)t * q_width + g * group * head_dim;
      for (int j = 0; j < group; j++) {
        const float* w = weights + (long)j * length;
        for (int d = 0; d < head_dim; d += 16) {
          v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
          int lanes = (head_dim - d) / 4;  // 1 to 4 vectors: head_dim is a multiple of 4
          if (lanes >= 4) {
            for (int p = 0; p < length; p++) {
              const float* value = kv_at(kv, layer, layers, kv_heads, head_dim, 1, g, p) + d;
              v128_t weight = wasm_f32x4_splat(w[p]);
              a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(weight, wasm_v128_load(value)));
              a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(weight, wasm_v128_load(value + 4)));
              a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(weight, wasm_v128_load(value + 8)));
              a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(weight, wasm_v128_load(value + 12)));
            }
          } else {
            for (int p = 0; p < length; p++) {
              const float* value = kv_at(kv, layer, layers, kv_heads, head_dim, 1, g, p) + d;
              v128_t weight = wasm_f32x4_splat(w[p]);
              a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(weight, wasm_v128_load(value)));
              if (lanes > 1) a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(weight, wasm_v128_load(value + 4)));
              if (lanes > 2) a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(weight, wasm_v128_load(value + 8)));
            }
          }
          float* oj = o + j * head_dim + d;
          wasm_v128_store(oj, a0);
          if (lanes > 1) wasm_v128_store(oj + 4, a1);
          if (lanes > 2) wasm_v128_store(oj + 8, a2);
          if (lanes > 3) wasm_v128_store(oj + 12, a3);
        }
      }
    }
  }
}

/**
 * Takes the outlier channels out of x [rows, k] before it is quantized: saved [rows, count] gets
 * their values and x holds 0 there. A channel a norm makes 20-100x larger than the rest would
 * otherwise set its block's scale and flatten the other 31 values to a few levels.
 */
EXPORT void take_channels(float* x, int rows, int k, const int32_t* channels, int count, float* saved) {
  for (int row = 0; row < rows; row++) {
    for (int i = 0; i < count; i++) {
      saved[row * count + i] = x[(long)row * k + channels[i]];
      x[(long)row * k + channels[i]] = 0.f;
    }
  }
}

/** y [rows, n] += saved [rows, count] x columns [count, n]: the taken channels' share, in f32. */
EXPORT void add_channels(const float* saved, int rows, int count, const float* columns, float* y, int n) {
  for (int row = 0; row < rows; row++) {
    float* out = y + (long)row * n;
    for (int i = 0; i < count; i++) {
      v128_t value = wasm_f32x4_splat(saved[row * count + i]);
      const float* column = columns + (long)i * n;
      int j = 0;
      for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_f32x4_mul(value, wasm_v128_load(column + j))));
      for (; j < n; j++) out[j] += saved[row * count + i] * column[j];
    }
  }
}
