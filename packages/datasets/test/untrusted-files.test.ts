// Files built to cost a reader time or memory, or to make it choose silently: zero-filled tails, sizes claimed
// far past the bytes present, duplicate members and entries. Each must be read correctly or refused by name.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../src/errors.js';
import { parseIdx } from '../src/formats/idx.js';
import { DEFAULT_MAX_INFLATED_BYTES } from '../src/formats/limits.js';
import { readNpz } from '../src/formats/npz.js';
import { readTarMembers, scanTar, TAIL_SLACK } from '../src/formats/tar.js';
import { inspectDataset } from '../src/inspect.js';
import { readCifarArchive } from '../src/sources/load.js';
import { cifarBytes, firstEntrySizeFields, gzipSync, idxBytes, npyBytes, pseudoBytes, tarBytes, tempDir, zipBytes } from './writers.js';

const tmp = tempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<DataFormatError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataFormatError);
  return err as DataFormatError;
}

const testBatch = cifarBytes([9, 4], pseudoBytes(2 * 3072, 99));

describe('tar archives: reading stops at the end-of-archive blocks, and inflating is capped per read', () => {
  it('a tiny valid archive followed by 64 MiB of zeros is read correctly, and the tail is not inflated', async () => {
    const tar = tarBytes([{ name: 'cifar-10-batches-bin/test_batch.bin', data: testBatch }]);
    const path = join(tmp, 'zero-tail.tar.gz');
    writeFileSync(path, gzipSync(Buffer.concat([tar, Buffer.alloc(64 * 2 ** 20)]), { level: 9 }));
    expect(readFileSync(path).length).toBeLessThan(200_000);
    const scan = await scanTar(path, ['test_batch.bin']);
    expect(Buffer.from(scan.members.get('test_batch.bin')!).equals(Buffer.from(testBatch))).toBe(true);
    expect(scan.endOfArchive).toBe(tar.length); // the second zero block ends the archive
    expect(scan.streamBytes).toBeLessThanOrEqual(tar.length + TAIL_SLACK + 2 ** 17); // not the 64 MiB behind it
    const set = await readCifarArchive(path, 'cifar10', 'test');
    expect(Array.from(set.labels)).toEqual([9, 4]);
  });

  it('an archive inflating past the cap fails naming the file and the cap', async () => {
    const tar = tarBytes([{ name: 'big.bin', data: new Uint8Array(3 * 2 ** 20) }, { name: 'test_batch.bin', data: testBatch }]);
    const path = join(tmp, 'big.tar.gz');
    writeFileSync(path, gzipSync(tar));
    const err = await rejection(readTarMembers(path, ['test_batch.bin'], path, { maxInflatedBytes: 2 ** 20 }));
    expect(err.problem).toBe('too-large');
    expect(err.message).toBe(`${path}: too large: the archive inflates, past the cap of 1,048,576 bytes inflated per read (raise maxInflatedBytes if the file is genuine)`);
    expect((await readTarMembers(path, ['test_batch.bin'], path, { maxInflatedBytes: 8 * 2 ** 20 })).size).toBe(1);
    // A wanted member claiming more than the cap is refused from its header, before its bytes are gathered.
    const claim = await rejection(readTarMembers(path, ['big.bin'], path, { maxInflatedBytes: 2 ** 21 }));
    expect(claim.message).toBe(`${path}: too large: member big.bin claims 3145728 bytes, past the cap of 2,097,152 bytes inflated per read (raise maxInflatedBytes if the file is genuine)`);
    expect(DEFAULT_MAX_INFLATED_BYTES).toBe(512 * 2 ** 20);
  });

  it('a member present twice is refused: which copy is meant cannot be known', async () => {
    const path = join(tmp, 'dup.tar');
    writeFileSync(path, tarBytes([
      { name: 'a/test_batch.bin', data: testBatch },
      { name: 'b/test_batch.bin', data: cifarBytes([1, 1], pseudoBytes(2 * 3072, 5)) },
    ]));
    const err = await rejection(readTarMembers(path, ['test_batch.bin']));
    expect(err.message).toBe(`${path}: duplicate entry: member test_batch.bin appears twice (a/test_batch.bin and b/test_batch.bin)`);
    await expect(readCifarArchive(path, 'cifar10', 'test')).rejects.toThrow(/duplicate entry: member test_batch\.bin appears twice/);
  });

  it('an archive without its end-of-archive blocks is truncated', async () => {
    const path = join(tmp, 'no-end.tar');
    writeFileSync(path, tarBytes([{ name: 'test_batch.bin', data: testBatch }], 0));
    expect((await rejection(readTarMembers(path, ['test_batch.bin']))).message).toBe(`${path}: truncated data: the archive ends before its end-of-archive blocks`);
  });
});

describe('IDX .gz: inflated no further than the header declares', () => {
  it('a header declaring more than the cap fails before inflating', () => {
    const header = idxBytes(0x08, [70000, 100, 100], []); // 700 MB declared
    const err = (() => { try { parseIdx(gzipSync(header), 'huge.gz'); } catch (e) { return e; } })() as DataFormatError;
    expect(err).toBeInstanceOf(DataFormatError);
    expect(err.message).toBe('huge.gz: too large: dimensions [70000, 100, 100] of uint8 need 700000016 bytes, past the cap of 536,870,912 bytes inflated per read (raise maxInflatedBytes if the file is genuine)');
  });

  it('data followed by a long zero tail stops one byte past the declared size', () => {
    const gz = gzipSync(Buffer.concat([idxBytes(0x08, [4], [1, 2, 3, 4]), Buffer.alloc(32 * 2 ** 20)]));
    expect(() => parseIdx(gz, 'tail.gz')).toThrow(new DataFormatError('tail.gz', 'dimension-mismatch', 'dimensions [4] of uint8 need 12 bytes in all, the gzip stream inflates to more'));
    expect(Array.from(parseIdx(gzipSync(idxBytes(0x08, [4], [1, 2, 3, 4])), 'ok.gz').data)).toEqual([1, 2, 3, 4]);
  });

  it('the cap can be lowered for one read', () => {
    const gz = gzipSync(idxBytes(0x08, [2000], new Uint8Array(2000)));
    expect(() => parseIdx(gz, 'small.gz', { maxInflatedBytes: 1000 })).toThrow('small.gz: too large: dimensions [2000] of uint8 need 2008 bytes, past the cap of 1,000 bytes');
    expect(parseIdx(gz, 'small.gz', { maxInflatedBytes: 2008 }).dims).toEqual([2000]);
  });
});

describe('npz: sizes claimed by zip headers are checked before anything is allocated', () => {
  const data = npyBytes('|u1', [2, 3072], pseudoBytes(6144, 3));
  const labels = npyBytes('<i8', [2], new Uint8Array(16));

  it('a stored entry claiming 1 GiB in a small file is refused before allocating (by yauzl)', async () => {
    const zip = Buffer.from(zipBytes([{ name: 'data.npy', data }]));
    const at = firstEntrySizeFields(zip);
    zip.writeUInt32LE(2 ** 30, at.local);
    zip.writeUInt32LE(2 ** 30, at.central);
    const path = join(tmp, 'claims.npz');
    writeFileSync(path, zip);
    const err = await rejection(readNpz(path));
    expect(err.message).toBe(`${path}: corrupt data: compressed/uncompressed size mismatch for stored file: ${data.length} != 1073741824`);
  });

  it('a deflated entry claiming more than deflate can produce from its bytes is refused', async () => {
    const zip = Buffer.from(zipBytes([{ name: 'data.npy', data, deflate: true }]));
    const at = firstEntrySizeFields(zip);
    const packed = zip.readUInt32LE(at.central - 4);
    zip.writeUInt32LE(2 ** 30, at.local);
    zip.writeUInt32LE(2 ** 30, at.central);
    const path = join(tmp, 'claims-deflated.npz');
    writeFileSync(path, zip);
    expect((await rejection(readNpz(path))).message).toBe(`${path}:data.npy: corrupt data: entry claims 1073741824 bytes from ${packed} compressed bytes, more than deflate can produce`);
  });

  it('the cap counts every entry of one read', async () => {
    const path = join(tmp, 'two.npz');
    writeFileSync(path, zipBytes([{ name: 'data.npy', data }, { name: 'labels.npy', data: labels }]));
    expect(Object.keys(await readNpz(path, undefined, path, { maxInflatedBytes: data.length + labels.length }))).toEqual(['data', 'labels']);
    const err = await rejection(readNpz(path, undefined, path, { maxInflatedBytes: data.length + labels.length - 1 }));
    expect(err.message).toBe(`${path}: too large: entry labels.npy claims ${labels.length} bytes, past the cap of ${(data.length + labels.length - 1).toLocaleString('en-US')} bytes inflated per read (raise maxInflatedBytes if the file is genuine)`);
  });

  it('an entry name present twice is refused (unzip and NumPy would silently take the last)', async () => {
    const path = join(tmp, 'dup.npz');
    writeFileSync(path, zipBytes([{ name: 'data.npy', data }, { name: 'labels.npy', data: labels }, { name: 'data.npy', data: npyBytes('|u1', [1, 3072], new Uint8Array(3072)) }]));
    expect((await rejection(readNpz(path))).message).toBe(`${path}: duplicate entry: entry data.npy appears twice`);
    await expect(inspectDataset(path)).rejects.toThrow(`${path}: duplicate entry: entry data.npy appears twice`);
  });
});
