import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ChecksumError, DataFormatError, inspectDataset, type DatasetInfo, type FileInfo } from '../src/index.js';
import { MNIST_RAW } from '../src/sources/catalog.js';
import { cifarBytes, gzipSync, idxBytes, idxPair, npyBytes, pseudoBytes, tarGz, tempDir, zipBytes } from './writers.js';

const tmp = tempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('inspectDataset on data set names', () => {
  it('mnist: counts, shape, splits and the verified checksums of its four files', async () => {
    const info = (await inspectDataset('mnist')) as DatasetInfo;
    expect(info).toMatchObject({ kind: 'dataset', name: 'mnist', train: 60000, test: 10000, shape: [28, 28, 1], classes: 10, present: true });
    expect(info.splits).toEqual({ train: 50000, eval: 10000, test: 10000 });
    expect(info.sha256).toEqual(Object.fromEntries(Object.values(MNIST_RAW).map((s) => [s.name, s.sha256])));
    expect(JSON.parse(JSON.stringify(info))).toEqual(info); // plain JSON for `mlp-blocks data inspect --json`
  });

  it('a data set not on disk: the published facts and checksums, present: false, and no download', async () => {
    const info = (await inspectDataset('CIFAR-10', { cacheDir: tmp })) as DatasetInfo;
    expect(info).toMatchObject({ name: 'cifar10', train: 50000, test: 10000, shape: [32, 32, 3], present: false, location: join(tmp, 'cifar10') });
    expect(info.sha256).toEqual({ 'cifar-10-binary.tar.gz': 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd' });
    expect(info.splits).toEqual({ train: 45000, eval: 5000, test: 10000 });
    const imagenet = (await inspectDataset('imagenet32', { dir: undefined })) as DatasetInfo;
    expect(imagenet.splits).toEqual({ train: 1281167, eval: 25000, test: 25000 });
  });
});

describe('inspectDataset on files', () => {
  it('IDX images and labels, raw or gzipped', async () => {
    const p = idxPair(7, 5, 6);
    const images = join(tmp, 'train-images-idx3-ubyte');
    const labels = join(tmp, 't10k-labels-idx1-ubyte.gz');
    writeFileSync(images, p.images);
    writeFileSync(labels, gzipSync(p.labelBytes));
    const a = (await inspectDataset(images)) as FileInfo;
    expect(a).toMatchObject({ kind: 'file', name: 'train-images-idx3-ubyte', format: 'idx', train: 7, test: null, count: 7, shape: [5, 6, 1], sha256: sha(p.images), bytes: p.images.length });
    const b = (await inspectDataset(labels)) as FileInfo;
    expect(b).toMatchObject({ format: 'idx.gz', train: null, test: 7, count: 7, shape: [] });
  });

  it('CIFAR-10 and CIFAR-100 batches, a CIFAR archive, and an ImageNet-32 npz', async () => {
    const c10 = join(tmp, 'data_batch_1.bin');
    writeFileSync(c10, cifarBytes([1, 2, 3], pseudoBytes(3 * 3072)));
    expect(await inspectDataset(c10)).toMatchObject({ format: 'cifar10', train: 3, count: 3, shape: [32, 32, 3] });
    const c100 = join(tmp, 'test.bin');
    writeFileSync(c100, cifarBytes([1, 2], pseudoBytes(2 * 3072), [0, 1]));
    expect(await inspectDataset(c100)).toMatchObject({ format: 'cifar100', test: 2, count: 2 });
    const archive = join(tmp, 'cifar-100-binary.tar.gz');
    await tarGz(archive, join(tmp, 'src'), 'cifar-100-binary', {
      'train.bin': cifarBytes([5, 6, 7], pseudoBytes(3 * 3072), [1, 2, 3]),
      'test.bin': cifarBytes([9], pseudoBytes(3072), [4]),
    });
    expect(await inspectDataset(archive)).toMatchObject({ format: 'tar', train: 3, test: 1, count: 4, contents: { 'train.bin': { shape: [3, 32, 32, 3] } } });
    const npz = fileURLToPath(new URL('../fixtures/imagenet32_savez_compressed.npz', import.meta.url));
    const info = (await inspectDataset(npz)) as FileInfo;
    expect(info).toMatchObject({ format: 'npz', train: 3, count: 3, shape: [32, 32, 3], sha256: sha(readFileSync(npz)) });
    expect(info.contents).toEqual({ data: { shape: [3, 3072], descr: '|u1' }, labels: { shape: [3], descr: '<i8' }, mean: { shape: [3072], descr: '<f8' } });
  });

  it('fails with a clear message on a bad file or a path that is neither', async () => {
    const bad = join(tmp, 'train-labels-idx1-ubyte');
    writeFileSync(bad, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 9, 1, 2]));
    await expect(inspectDataset(bad)).rejects.toThrow(`${bad}: truncated data: dimensions [9] of uint8 need 9 data bytes, found 2`);
    const odd = join(tmp, 'notes.txt');
    writeFileSync(odd, 'hello');
    await expect(inspectDataset(odd)).rejects.toBeInstanceOf(DataFormatError);
    await expect(inspectDataset(join(tmp, 'nope'))).rejects.toThrow(/neither a data set name \(mnist, fashion-mnist, cifar10, cifar100, imagenet32\) nor a readable file/);
  });
});

describe('inspectDataset holds files to the loaders\' rules and only reads', () => {
  it('an IDX label file with a label the loaders refuse fails the same way', async () => {
    const labels = join(tmp, 'train-labels-idx1-ubyte-bad');
    writeFileSync(labels, idxBytes(0x08, [4], [1, 2, 12, 3]));
    await expect(inspectDataset(labels)).rejects.toThrow(`${labels}: label out of range: label 12 at index 2 is outside [0, 9]`);
  });

  it('an npz without a "data" array is an error, not "0 examples"', async () => {
    const npz = join(tmp, 'no-data.npz');
    writeFileSync(npz, zipBytes([{ name: 'labels.npy', data: npyBytes('<i8', [2], new Uint8Array(16)) }]));
    await expect(inspectDataset(npz)).rejects.toThrow(`${npz}: missing entry: no array "data" holding the examples (found "labels")`);
  });

  it('a named data set whose cached file is damaged: the checksum error, and the cache unchanged', async () => {
    const cacheDir = join(tmp, 'cache');
    mkdirSync(join(cacheDir, 'cifar10'), { recursive: true });
    const archive = join(cacheDir, 'cifar10', 'cifar-10-binary.tar.gz');
    const damaged = pseudoBytes(5000, 4);
    writeFileSync(archive, damaged);
    const err = await inspectDataset('cifar10', { cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as Error).message).toBe(`${archive}: SHA-256 mismatch: expected c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd, got ${sha(damaged)}; the cached file was left as it is (downloads are off); delete it, or load with downloads on to replace it`);
    expect(readdirSync(join(cacheDir, 'cifar10'))).toEqual(['cifar-10-binary.tar.gz']);
    expect(readFileSync(archive).equals(Buffer.from(damaged))).toBe(true);
  });
});
