import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticSet } from '../test/writers.js';
import { batchCount, epochOrder, iterate } from './iterate.js';
import { createTask } from './task.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function classify(n: number) {
  return createTask({ name: 's/classify/train', task: 'classify', images: await syntheticSet(n, 1, 2, 2, 5) }, { labels: 'int' });
}

describe('iterate', () => {
  it('visits every example once per epoch, shuffled by (seed, epoch), with a smaller last batch', async () => {
    const data = await classify(23);
    const seen: number[] = [];
    const sizes: number[] = [];
    for await (const { x, y, indices } of iterate(data, { batchSize: 5, seed: 1, epoch: 0 })) {
      expect(x.shape).toEqual([indices.length, 4]);
      expect(Array.from(y.dataSync())).toEqual(Array.from(indices, (i) => i % 5)); // labels follow the indices
      seen.push(...indices);
      sizes.push(indices.length);
    }
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(Array.from(epochOrder(23, 1, 0))).toEqual(seen);
    expect(Array.from(epochOrder(23, 1, 1))).not.toEqual(seen);
    expect(Array.from(epochOrder(23, 2, 0))).not.toEqual(seen);
    expect(Array.from(epochOrder(5, 1, 0, false))).toEqual([0, 1, 2, 3, 4]);
  });

  it('dropLast drops the short batch; startBatch resumes an epoch where it stopped', async () => {
    const data = await classify(23);
    expect([batchCount(23, 5), batchCount(23, 5, true)]).toEqual([5, 4]);
    const all: number[][] = [];
    for await (const b of iterate(data, { batchSize: 5, seed: 9, epoch: 2, dropLast: true })) all.push(Array.from(b.indices));
    expect(all.length).toBe(4);
    const resumed: number[][] = [];
    for await (const b of iterate(data, { batchSize: 5, seed: 9, epoch: 2, dropLast: true, startBatch: 2 })) resumed.push(Array.from(b.indices));
    expect(resumed).toEqual(all.slice(2));
  });

  it('disposes every batch it created, also when the loop breaks or throws', async () => {
    const data = await classify(50);
    const before = tf.memory().numTensors;
    for await (const { x } of iterate(data, { batchSize: 8 })) expect(x.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    let kept: tf.Tensor | null = null;
    for await (const { x } of iterate(data, { batchSize: 8 })) {
      kept = x;
      break;
    }
    expect(kept!.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await expect((async () => {
      for await (const _ of iterate(data, { batchSize: 8 })) throw new Error('boom');
    })()).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options, naming them', async () => {
    const data = await classify(4);
    await expect(iterate(data, { batchSize: 0 }).next()).rejects.toThrow(/iterate: option "batchSize" must be a positive integer, received 0/);
    await expect(iterate(data, { batchSize: 2, epoch: 1.5 }).next()).rejects.toThrow(/option "epoch"/);
    await expect(iterate(data, { batchSize: 2, shufle: false } as never).next()).rejects.toThrow(/unknown option "shufle"/);
  });
});
