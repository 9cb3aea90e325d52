// npz reading on files written by NumPy itself (fixtures/make_fixtures.py: np.savez, np.savez_compressed),
// plus hand-built .npy headers for the parser's corners.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/writers.js';
import { DataFormatError } from '../errors.js';
import { readImagenet32Npz } from '../sources/load.js';
import { parseNpy } from './npy.js';
import { readNpz } from './npz.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const meta = JSON.parse(readFileSync(join(fixtures, 'npz.json'), 'utf8')) as {
  files: { file: string; sha256: string }[]; count: number; labels: number[]; data_sha256: string; mean_head: number[];
};
const tmp = tempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A .npy file: magic, version, little-endian header length, the dict padded to 64 bytes, the data. */
function npy(header: string, data: Uint8Array, version: 1 | 2 = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  let dict = header;
  while ((8 + lenBytes + dict.length + 1) % 64 !== 0) dict += ' ';
  dict += '\n';
  const out = new Uint8Array(8 + lenBytes + dict.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, dict.length, true);
  else v.setUint32(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), 8 + lenBytes);
  out.set(data, 8 + lenBytes + dict.length);
  return out;
}

describe('npz written by NumPy', () => {
  it.each(meta.files)('$file: every array, with the data checked against NumPy', async ({ file }) => {
    const arrays = await readNpz(join(fixtures, file));
    expect(Object.keys(arrays).sort()).toEqual(['data', 'labels', 'mean']);
    const data = arrays['data']!;
    expect(data.descr).toBe('|u1');
    expect(data.shape).toEqual([meta.count, 3072]);
    expect(createHash('sha256').update(data.data as Uint8Array).digest('hex')).toBe(meta.data_sha256);
    expect(arrays['labels']!.descr).toBe('<i8');
    expect(Array.from(arrays['labels']!.data)).toEqual(meta.labels);
    expect(Array.from(arrays['mean']!.data.subarray(0, 4))).toEqual(meta.mean_head);
  });

  it('reads an ImageNet-32 batch: CHW rows as images, labels shifted from 1…1000 to 0…999', async () => {
    const { chunk, labels } = await readImagenet32Npz(join(fixtures, meta.files[0]!.file));
    expect(chunk.count).toBe(meta.count);
    expect(Array.from(labels)).toEqual(meta.labels.map((l) => l - 1));
  });

  it('rejects npz files with the wrong contents, naming the file and entry', async () => {
    const f = (name: string) => join(fixtures, name);
    await expect(readImagenet32Npz(f('imagenet32_bad_shape.npz'))).rejects.toThrow(/imagenet32_bad_shape\.npz:data\.npy: dimension mismatch: expected uint8 \(N, 3072\), found \|u1 \(1, 3071\)/);
    await expect(readImagenet32Npz(f('imagenet32_no_labels.npz'))).rejects.toThrow(/imagenet32_no_labels\.npz: missing entry: no array "labels" \(found "data"\)/);
    await expect(readImagenet32Npz(f('imagenet32_label_zero.npz'))).rejects.toThrow(/labels\.npy: label out of range: label 0 at index 0 is outside \[1, 1000\]/);
    await expect(readImagenet32Npz(f('imagenet32_label_count.npz'))).rejects.toMatchObject({ problem: 'label-count' });
  });

  it('rejects a file that is not a zip, and a truncated zip', async () => {
    const notZip = join(tmp, 'not.npz');
    writeFileSync(notZip, 'hello, world');
    await expect(readNpz(notZip)).rejects.toMatchObject({ name: 'DataFormatError', problem: 'bad-magic', file: notZip });
    const cut = join(tmp, 'cut.npz');
    const full = readFileSync(join(fixtures, meta.files[0]!.file));
    writeFileSync(cut, full.subarray(0, full.length - 30));
    await expect(readNpz(cut)).rejects.toMatchObject({ name: 'DataFormatError', problem: 'truncated', file: cut });
    // np.savez stores arrays uncompressed: one changed pixel is caught only by the zip's CRC-32.
    const flipped = join(tmp, 'flipped.npz');
    const bytes = full.slice();
    bytes[2000]! ^= 0x01;
    writeFileSync(flipped, bytes);
    await expect(readNpz(flipped)).rejects.toThrow(/flipped\.npz:data\.npy: corrupt data: CRC-32 [0-9a-f]{8} differs from the archive's [0-9a-f]{8}/);
  });

  it.each(meta.files)('property: $file truncated or mutated is rejected, or read exactly as NumPy wrote it', async ({ file }) => {
    const full = readFileSync(join(fixtures, file));
    const path = join(tmp, `m-${file}`);
    await fc.assert(fc.asyncProperty(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), async (cut, edits) => {
      const bytes = full.slice(0, full.length - (cut % 3 === 0 ? cut % full.length : 0));
      for (const [at, v] of edits) bytes[at % bytes.length] = v;
      writeFileSync(path, bytes);
      let arrays;
      try {
        arrays = await readNpz(path, ['data', 'labels']);
      } catch (err) {
        expect(err).toBeInstanceOf(DataFormatError);
        expect((err as DataFormatError).file.startsWith(path)).toBe(true);
        return;
      }
      // The zip's CRC-32s guard the arrays: anything accepted is the original data.
      expect(createHash('sha256').update(arrays['data']!.data as Uint8Array).digest('hex')).toBe(meta.data_sha256);
      expect(Array.from(arrays['labels']!.data)).toEqual(meta.labels);
    }), { numRuns: 150 });
  });
});

describe('parseNpy', () => {
  it('reads version 1 and 2 headers, both byte orders, and float arrays', () => {
    const le = new Uint8Array(8);
    new DataView(le.buffer).setInt32(0, -7, true);
    new DataView(le.buffer).setInt32(4, 65536, true);
    expect(Array.from(parseNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", le), 'a.npy').data)).toEqual([-7, 65536]);
    const be = new Uint8Array(4);
    new DataView(be.buffer).setFloat32(0, 2.5, false);
    const a = parseNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", be, 2), 'b.npy');
    expect(a.shape).toEqual([1, 1]);
    expect(Array.from(a.data)).toEqual([2.5]);
  });

  it('rejects bad magic, unsupported types, Fortran order and mismatched sizes', () => {
    const ok = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", new Uint8Array(4));
    const bad = ok.slice();
    bad[1] = 0x4f;
    expect(() => parseNpy(bad, 'x.npy')).toThrow(/^x\.npy: bad magic number/);
    expect(() => parseNpy(npy("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(20)), 'x.npy')).toThrow(/unsupported format: dtype "<U5"/);
    expect(() => parseNpy(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }", new Uint8Array(4)), 'x.npy')).toThrow(/Fortran-ordered/);
    expect(() => parseNpy(ok.subarray(0, ok.length - 1), 'x.npy')).toThrow(/truncated data: shape \(2, 2\) of \|u1 needs 4 data bytes, found 3/);
    expect(() => parseNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(4)), 'x.npy')).toThrow(/dimension mismatch/);
    expect(() => parseNpy(ok.subarray(0, 9), 'x.npy')).toThrow(/truncated/);
  });
});
