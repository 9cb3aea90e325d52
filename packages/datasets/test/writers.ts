// Writers for the real file formats, used by the tests to make small files (independent of the readers).
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
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

/** A plain ustar archive built by hand (so tests can make what tar tools refuse to: duplicates, odd tails). */
export function tarBytes(members: { name: string; data: Uint8Array }[], tail = 1024): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const h = new Uint8Array(512);
    const put = (at: number, text: string) => h.set(new TextEncoder().encode(text), at);
    put(0, m.name);
    put(100, '0000644\0');
    put(108, '0000000\0');
    put(116, '0000000\0');
    put(124, `${m.data.length.toString(8).padStart(11, '0')}\0`);
    put(136, '00000000000\0');
    put(148, '        ');
    h[156] = 0x30; // '0': a regular file
    put(257, 'ustar\0');
    put(263, '00');
    const sum = h.reduce((a, b) => a + b, 0);
    put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
    parts.push(h, m.data, new Uint8Array((512 - (m.data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(tail)); // the two end-of-archive blocks (and any padding)
  return Buffer.concat(parts);
}

/** A .npy file (version 1): magic, header length, the dict padded to a multiple of 64 bytes, the raw data. */
export function npyBytes(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + dict.length + 1) % 64 !== 0) dict += ' ';
  dict += '\n';
  const out = new Uint8Array(10 + dict.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), 10);
  out.set(data, 10 + dict.length);
  return out;
}

/** A zip archive (stored or deflated entries, no zip64), as np.savez / np.savez_compressed write them. */
export function zipBytes(entries: { name: string; data: Uint8Array; deflate?: boolean }[]): Uint8Array {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = e.deflate ? deflateRawSync(e.data) : Buffer.from(e.data);
    const crc = crc32(e.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(e.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(packed.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(e.deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(packed.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    local.push(lh, name, packed);
    central.push(ch, name);
    offset += lh.length + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cd, end]);
}

/** Offsets of the uncompressed-size fields of a zipBytes archive's first entry (local header, central directory). */
export function firstEntrySizeFields(zip: Uint8Array): { local: number; central: number } {
  const b = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  return { local: 22, central: b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24 };
}
