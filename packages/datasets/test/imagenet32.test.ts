// ImageNet-32 from a user-named directory, on npz files written by NumPy (fixtures/make_fixtures.py).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetUnavailableError, loadTask } from '../src/index.js';
import { bicubicResize } from '../src/bicubic.js';
import { tempDir } from './writers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const meta = JSON.parse(readFileSync(fixture('npz.json'), 'utf8')) as { labels: number[]; first_row_head: number[] };
const dir = tempDir();
mkdirSync(join(dir, 'Imagenet32_val_npz'));
copyFileSync(fixture('imagenet32_savez.npz'), join(dir, 'Imagenet32_val_npz', 'val_data.npz'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ImageNet-32 from a directory', () => {
  it('eval and test halve the validation set (found in a subdirectory) without touching the training files', async () => {
    const evalSplit = await loadTask({ dataset: 'imagenet32', task: 'superres', split: 'eval', dir, evalSize: 1 });
    const test = await loadTask({ dataset: 'imagenet32', task: 'superres', split: 'test', dir, evalSize: 1 });
    expect([evalSplit.size, test.size]).toEqual([1, 2]);
    expect([evalSplit.inputShape, evalSplit.targetShape]).toEqual([[768], [3072]]);
    const images = new Set([evalSplit.locate(0).image, test.locate(0).image, test.locate(1).image]);
    expect(images).toEqual(new Set([0, 1, 2]));
    // Image 0's first bytes, flattened CHW /255, and its 16×16 bicubic downsample as input.
    const at = [0, 1].find((e) => test.locate(e).image === 0);
    const data = at === undefined ? evalSplit : test;
    const { x, y } = data.batch([at ?? 0], 0);
    const target = y.dataSync();
    expect(Array.from(target.subarray(0, 8))).toEqual(meta.first_row_head.map((v) => Math.fround(v / 255)));
    expect(Array.from(x.dataSync())).toEqual(Array.from(bicubicResize(target, [1, 3, 32, 32], 16, 16)));
    tf.dispose([x, y]);
  });

  it('classification labels are the file\'s 1…1000 labels minus one', async () => {
    const test = await loadTask({ dataset: 'imagenet32', task: 'classify', split: 'test', dir, evalSize: 1, labels: 'int' });
    const { x, y } = test.batch([0, 1], 0);
    expect(Array.from(y.dataSync())).toEqual([0, 1].map((e) => meta.labels[test.locate(e).image]! - 1));
    tf.dispose([x, y]);
  });

  it('the training split names the missing npz files and why they are not downloaded', async () => {
    const err = await loadTask({ dataset: 'imagenet32', task: 'denoise', split: 'train', dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetUnavailableError);
    expect((err as Error).message).toMatch(/train_data_batch_1\.npz[^]*train_data_batch_10\.npz/);
    expect((err as Error).message).toMatch(/cannot be downloaded automatically/);
  });
});
