import fc from 'fast-check';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cifarBytes, pseudoBytes, tarGz, tempDir } from '../../test/writers.js';
import { DataFormatError } from '../errors.js';
import { readCifarArchive } from '../sources/load.js';
import { cifarImageSet, parseCifarBatch } from './cifar.js';
import { readTarMembers } from './tar.js';

function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DataFormatError) return err;
    throw new Error(`expected a DataFormatError, got ${String(err)}`);
  }
  throw new Error('expected a DataFormatError, nothing was thrown');
}

describe('CIFAR binary batches', () => {
  it('reads CIFAR-10 records: label byte then 3072 CHW pixels, left in place', () => {
    const pixels = pseudoBytes(3 * 3072, 5);
    const bytes = cifarBytes([3, 0, 9], pixels);
    const batch = parseCifarBatch(bytes, 'data_batch_1.bin', 'cifar10');
    expect(Array.from(batch.labels)).toEqual([3, 0, 9]);
    const set = cifarImageSet('c10', 'cifar10', [batch, parseCifarBatch(cifarBytes([7], pseudoBytes(3072, 6)), 'b2', 'cifar10')]);
    expect(set.count).toBe(4);
    expect([set.channels, set.height, set.width, set.classes]).toEqual([3, 32, 32, 10]);
    expect(Array.from(set.pixels(1))).toEqual(Array.from(pixels.subarray(3072, 6144)));
    expect(set.pixels(1).buffer).toBe(bytes.buffer);
    expect(Array.from(set.pixels(3))).toEqual(Array.from(pseudoBytes(3072, 6)));
    expect(Array.from(set.labels)).toEqual([3, 0, 9, 7]);
  });

  it('reads CIFAR-100 records: coarse label, fine label, pixels', () => {
    const pixels = pseudoBytes(2 * 3072, 8);
    const batch = parseCifarBatch(cifarBytes([99, 42], pixels, [19, 4]), 'train.bin', 'cifar100');
    expect(Array.from(batch.labels)).toEqual([99, 42]);
    expect(Array.from(batch.coarseLabels!)).toEqual([19, 4]);
    const set = cifarImageSet('c100', 'cifar100', [batch]);
    expect(set.classes).toBe(100);
    expect(Array.from(set.pixels(1))).toEqual(Array.from(pixels.subarray(3072)));
  });

  it('rejects truncated files and labels out of range, naming the file', () => {
    const bytes = cifarBytes([1, 2], pseudoBytes(2 * 3072));
    expect(formatError(() => parseCifarBatch(bytes.subarray(0, 5000), 'data_batch_2.bin', 'cifar10')).message)
      .toBe('data_batch_2.bin: truncated data: 5000 bytes is not a whole number of 3073-byte cifar10 records (1 records and 1927 bytes)');
    expect(formatError(() => parseCifarBatch(new Uint8Array(0), 'empty.bin', 'cifar10')).problem).toBe('truncated');
    expect(formatError(() => parseCifarBatch(cifarBytes([1, 10], pseudoBytes(2 * 3072)), 'b.bin', 'cifar10')).message)
      .toBe('b.bin: label out of range: label 10 at index 1 is outside [0, 9]');
    expect(formatError(() => parseCifarBatch(cifarBytes([100], pseudoBytes(3072), [1]), 'train.bin', 'cifar100')).problem).toBe('label-range');
    expect(formatError(() => parseCifarBatch(cifarBytes([5], pseudoBytes(3072), [20]), 'train.bin', 'cifar100')).message).toMatch(/label 20 at index 0 is outside \[0, 19\]/);
  });

  it('property: any truncation or byte mutation is rejected, or read faithfully from the bytes', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (n, cut, at, v, hundred) => {
      const variant = hundred ? 'cifar100' : 'cifar10';
      const labels = Array.from({ length: n }, (_, i) => (i * 7) % 10);
      const full = cifarBytes(labels, pseudoBytes(n * 3072, n), hundred ? labels.map(() => 3) : undefined);
      const bytes = full.slice(0, full.length - (cut % full.length));
      bytes[at % bytes.length] = v;
      const record = hundred ? 3074 : 3073;
      try {
        const batch = parseCifarBatch(bytes, 'x.bin', variant);
        expect(bytes.length % record).toBe(0);
        for (let i = 0; i < batch.labels.length; i++) {
          expect(batch.labels[i]).toBe(bytes[i * record + record - 3073]);
          expect(batch.labels[i]).toBeLessThan(hundred ? 100 : 10);
        }
      } catch (err) {
        expect(err).toBeInstanceOf(DataFormatError);
        expect((err as DataFormatError).file).toBe('x.bin');
      }
    }), { numRuns: 300 });
  });
});

describe('CIFAR archives (binary version, .tar.gz)', () => {
  const root = tempDir();
  const archive = join(root, 'cifar-10-binary.tar.gz');
  const batches = [1, 2, 3, 4, 5].map((b) => cifarBytes([b, (b + 1) % 10], pseudoBytes(2 * 3072, b)));
  const ready = tarGz(archive, root, 'cifar-10-batches-bin', {
    ...Object.fromEntries(batches.map((bytes, i) => [`data_batch_${i + 1}.bin`, bytes])),
    'test_batch.bin': cifarBytes([9], pseudoBytes(3072, 99)),
    'batches.meta.txt': new TextEncoder().encode('airplane\nautomobile\n'),
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the training and test batches of an archive laid out like cifar-10-binary.tar.gz', async () => {
    await ready;
    const train = await readCifarArchive(archive, 'cifar10', 'train');
    expect(train.count).toBe(10);
    expect(Array.from(train.labels)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    expect(Array.from(train.pixels(5))).toEqual(Array.from(pseudoBytes(2 * 3072, 3).subarray(3072)));
    const test = await readCifarArchive(archive, 'cifar10', 'test');
    expect(test.count).toBe(1);
    expect(Array.from(test.pixels(0))).toEqual(Array.from(pseudoBytes(3072, 99)));
  });

  it('rejects a truncated archive, a missing member, and damaged bytes', async () => {
    await ready;
    const full = readFileSync(archive);
    const cut = join(root, 'cut.tar.gz');
    writeFileSync(cut, full.subarray(0, full.length - 100));
    await expect(readTarMembers(cut, ['test_batch.bin'])).rejects.toMatchObject({ name: 'DataFormatError', file: cut, problem: 'truncated' });
    await expect(readTarMembers(archive, ['data_batch_6.bin'])).rejects.toThrow(/cifar-10-binary.tar.gz: missing entry: no member named data_batch_6.bin/);
    const damaged = join(root, 'damaged.tar.gz');
    const bad = full.slice();
    bad[Math.floor(bad.length / 2)]! ^= 0x55;
    writeFileSync(damaged, bad);
    await expect(readTarMembers(damaged, ['test_batch.bin'])).rejects.toBeInstanceOf(DataFormatError);
    // A plain tar (no gzip CRC) cut inside a member.
    const plain = join(root, 'plain.tar');
    await tarGz(plain, join(root, 'plain'), 'cifar-10-batches-bin', { 'test_batch.bin': cifarBytes([9], pseudoBytes(3072, 99)) }, false);
    const cutPlain = join(root, 'cut.tar');
    writeFileSync(cutPlain, readFileSync(plain).subarray(0, 2 * 512 + 1000));
    await expect(readTarMembers(cutPlain, ['test_batch.bin'])).rejects.toMatchObject({ problem: 'truncated', file: cutPlain });
  });

  it('property: a truncated or mutated archive is rejected or yields exactly the original batches', async () => {
    await ready;
    const full = readFileSync(archive);
    const path = join(root, 'mutated.tar.gz');
    await fc.assert(fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), async (cut, at, v) => {
      const bytes = full.slice(0, full.length - (cut % 64));
      bytes[at % bytes.length] = v;
      writeFileSync(path, bytes);
      try {
        const test = await readCifarArchive(path, 'cifar10', 'test');
        expect(Array.from(test.pixels(0))).toEqual(Array.from(pseudoBytes(3072, 99)));
        expect(Array.from(test.labels)).toEqual([9]);
      } catch (err) {
        expect(err).toBeInstanceOf(DataFormatError);
        expect((err as DataFormatError).message.startsWith(path)).toBe(true);
      }
    }), { numRuns: 60 });
  });
});
