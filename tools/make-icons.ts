// Draws the app icons (PNG 192 and 512, plus a maskable 512 with the mark inside the safe zone).
// One-off: `npx tsx tools/make-icons.ts`; the PNGs are committed under public/icons/.
import { mkdir, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';

const BACKGROUND = [0x1f, 0x6f, 0x5c];
const FOREGROUND = [0xff, 0xff, 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function png(size: number, pixel: (x: number, y: number) => number[]): Uint8Array {
  const raw = new Uint8Array(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * 4)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (1 + size * 4) + 1 + x * 4);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, size);
  view.setUint32(4, size);
  header.set([8, 6, 0, 0, 0], 8);
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) out.set(p, (offset += p.length) - p.length);
  return out;
}

/** A speech bubble (ring) with a dot: coverage 0..1 at a point in unit coordinates centred on 0. */
function mark(u: number, v: number): number {
  const r = Math.hypot(u, v);
  const ring = Math.abs(r - 0.62) < 0.13 ? 1 : 0;
  const tail = u > 0.2 && v > 0.35 && u + v < 1.15 && u - v > -0.35 ? 1 : 0;
  const dot = Math.hypot(u, v) < 0.2 ? 1 : 0;
  return Math.max(ring, tail, dot);
}

function icon(size: number, maskable: boolean): Uint8Array {
  const scale = maskable ? 0.55 : 0.78; // maskable icons keep their content inside the central 80% circle
  const corner = maskable ? 0 : 0.22;
  const samples = 4;
  return png(size, (x, y) => {
    let cover = 0;
    let inside = 0;
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const px = ((x + (sx + 0.5) / samples) / size) * 2 - 1;
        const py = ((y + (sy + 0.5) / samples) / size) * 2 - 1;
        const qx = Math.max(Math.abs(px) - (1 - corner), 0);
        const qy = Math.max(Math.abs(py) - (1 - corner), 0);
        if (Math.hypot(qx, qy) <= corner || corner === 0) inside++;
        cover += mark(px / scale, py / scale);
      }
    }
    const a = cover / samples ** 2;
    const rgb = BACKGROUND.map((b, i) => Math.round(b * (1 - a) + FOREGROUND[i] * a));
    return [...rgb, Math.round((255 * inside) / samples ** 2)];
  });
}

await mkdir('public/icons', { recursive: true });
await writeFile('public/icons/icon-192.png', icon(192, false));
await writeFile('public/icons/icon-512.png', icon(512, false));
await writeFile('public/icons/maskable-512.png', icon(512, true));
console.log('wrote public/icons/icon-192.png, icon-512.png, maskable-512.png');
