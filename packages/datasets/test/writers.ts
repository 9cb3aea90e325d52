// Writers for the real file formats, used by the tests to make small files (independent of the readers).
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';

/** An IDX file: 00 00 <type> <ndims>, big-endian uint32 dims, big-endian values. */
export function idxBytes(type: 0x08 | 0x09 | 0x0b | 0x0c | 0x0d | 0x0e, dims: number[], values: ArrayLike<number>): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type];
  const out = new Uint8Array(4 + 4 * dims.length + values.length * size);
  const v = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * dims.length;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (type === 0x08) v.setUint8(at + i, x);
    else if (type === 0x09) v.setInt8(at + i, x);
    else if (type === 0x0b) v.setInt16(at + 2 * i, x, false);
    else if (type === 0x0c) v.setInt32(at + 4 * i, x, false);
    else if (type === 0x0d) v.setFloat32(at + 4 * i, x, false);
    else v.setFloat64(at + 8 * i, x, false);
  }
  return out;
}

/** Deterministic pseudo-random bytes (a linear congruential sequence), so test files are reproducible. */
export function pseudoBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A small labelled IDX pair: n images of h×w and labels cycling through 0…classes−1 from `firstLabel`. */
export function idxPair(n: number, h: number, w: number, classes = 10, seed = 1, firstLabel = 0) {
  const pixels = pseudoBytes(n * h * w, seed);
  const labels = Array.from({ length: n }, (_, i) => (firstLabel + i) % classes);
  return { pixels, labels, images: idxBytes(0x08, [n, h, w], pixels), labelBytes: idxBytes(0x08, [n], labels) };
}

/** CIFAR records: [coarse label (CIFAR-100 only)] label, then 3072 CHW pixel bytes. */
export function cifarBytes(labels: number[], pixels: Uint8Array, coarse?: number[]): Uint8Array {
  const lb = coarse ? 2 : 1;
  const rec = lb + 3072;
  const out = new Uint8Array(labels.length * rec);
  labels.forEach((l, i) => {
    if (coarse) out[i * rec] = coarse[i]!;
    out[i * rec + lb - 1] = l;
    out.set(pixels.subarray(i * 3072, (i + 1) * 3072), i * rec + lb);
  });
  return out;
}

export function tempDir(prefix = 'mlp-blocks-datasets-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (name → bytes) under `root/folder` and packs them into a gzipped tar at `archive`. */
export async function tarGz(archive: string, root: string, folder: string, files: Record<string, Uint8Array>, gzip = true): Promise<void> {
  mkdirSync(join(root, folder), { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(root, folder, name), bytes);
  await create({ gzip, file: archive, cwd: root, portable: true }, [folder]);
}

export { gzipSync };

/** A small in-memory image set: n images of C×H×W pseudo-random bytes, labels i mod classes. */
export async function syntheticSet(n: number, channels: number, height: number, width: number, classes = 3, seed = 3) {
  const { imageSet } = await import('../src/images.js');
  const size = channels * height * width;
  return imageSet({
    name: 'synthetic', channels, height, width, classes,
    labels: Uint16Array.from({ length: n }, (_, i) => i % classes),
    chunks: [{ bytes: pseudoBytes(n * size, seed), offset: 0, stride: size, count: n }],
  });
}
