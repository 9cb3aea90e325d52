// loadTask on the real MNIST: the authors' splits, tasks and loader options, end to end.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetId, iterate, loadTask, planSplit, type TaskData } from '../src/index.js';
import { loadImages } from '../src/sources/load.js';

const perm = (JSON.parse(readFileSync(new URL('../fixtures/permutation.json', import.meta.url), 'utf8')) as { cases: { seed: number; n: number; head: number[]; tail: number[] }[] })
  .cases.find((c) => c.seed === 42 && c.n === 60000)!;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function values(data: TaskData, indices: number[], epoch = 0) {
  const { x, y } = data.batch(indices, epoch);
  const out = { x: x.dataSync().slice(), y: y.dataSync().slice() };
  tf.dispose([x, y]);
  return out;
}

describe('loadTask on MNIST', () => {
  it('carves train 50,000 / eval 10,000 from the training set exactly as np.random.RandomState(42).permutation, test = the official 10,000', async () => {
    const [train, evalSplit, test] = await Promise.all((['train', 'eval', 'test'] as const).map((split) => loadTask({ dataset: 'mnist', task: 'denoise', split })));
    expect([train!.size, evalSplit!.size, test!.size]).toEqual([50000, 10000, 10000]);
    expect(train!.name).toBe('mnist/denoise/train');
    expect([train!.inputShape, train!.targetShape]).toEqual([[784], [784]]);
    expect(perm.head.map((_, i) => train!.locate(i).image)).toEqual(perm.head);
    expect(perm.tail.map((_, i) => evalSplit!.locate(10000 - 16 + i).image)).toEqual(perm.tail);
    expect(test!.locate(9999).image).toBe(9999);
    const images = new Set<number>();
    for (let e = 0; e < 50000; e++) images.add(train!.locate(e).image);
    for (let e = 0; e < 10000; e++) images.add(evalSplit!.locate(e).image);
    expect(images.size).toBe(60000);
  });

  it('serves values in [0, 1]: the target is the image, the denoising input its clamped noisy copy', async () => {
    const data = await loadTask({ dataset: 'mnist', task: 'denoise', split: 'train' });
    const { x, y } = values(data, [0, 1, 2, 3]);
    const source = (await loadImages('mnist', 'train')).pixels(perm.head[0]!);
    expect(Array.from(y.subarray(0, 784))).toEqual(Array.from(source, (v) => Math.fround(v / 255)));
    expect(Math.min(...x)).toBe(0);
    expect(Math.max(...x)).toBe(1);
    expect(Math.min(...y)).toBe(0);
    expect(Math.max(...y)).toBe(1);
  });

  it('eval and test noise is drawn once (same every epoch); train noise is fresh each epoch', async () => {
    const train = await loadTask({ dataset: 'mnist', task: 'denoise', split: 'train' });
    const evalSplit = await loadTask({ dataset: 'mnist', task: 'denoise', split: 'eval', sigma: 0.5 });
    expect(values(train, [5], 0).x).not.toEqual(values(train, [5], 1).x);
    expect(values(evalSplit, [5], 0).x).toEqual(values(evalSplit, [5], 7).x);
  });

  it('super-resolution ×2 gives 196 inputs (14×14) for 784 targets', async () => {
    const data = await loadTask({ dataset: 'mnist', task: 'superres', split: 'test' });
    expect([data.inputShape, data.targetShape]).toEqual([[196], [784]]);
    const { x } = values(data, [0]);
    expect(x.length).toBe(196);
  });

  it('generative classification: each target is the first training-split image of its class, also on eval and test', async () => {
    const train = await loadTask({ dataset: 'mnist', task: 'genclass', split: 'train' });
    const test = await loadTask({ dataset: 'mnist', task: 'genclass', split: 'test' });
    const labels = (await loadImages('mnist', 'train')).labels;
    const testLabels = (await loadImages('mnist', 'test')).labels;
    // Independently: walk the training split in order and note the first example of each class.
    const firstPos = new Map<number, number>();
    for (let e = 0; firstPos.size < 10; e++) {
      const label = labels[train.locate(e).image]!;
      if (!firstPos.has(label)) firstPos.set(label, e);
    }
    for (const e of [0, 17, 4242]) {
      const label = labels[train.locate(e).image]!;
      expect(values(train, [e]).y).toEqual(values(train, [firstPos.get(label)!]).x);
    }
    const t = 3; // test example 3 is a 0
    expect(testLabels[t]).toBe(0);
    expect(values(test, [t]).y).toEqual(values(train, [firstPos.get(0)!]).x);
    // The authors' code takes prototypes from the split being served; prototypes: "split" does the same.
    const own = await loadTask({ dataset: 'mnist', task: 'genclass', split: 'test', prototypes: 'split' });
    const firstTestZero = Array.from(testLabels).indexOf(0);
    expect(values(own, [t]).y).toEqual(values(own, [firstTestZero]).x);
  });

  it('classification and ×4 flips: 200,000 training examples, labels follow the image', async () => {
    const data = await loadTask({ dataset: 'mnist', task: 'classify', split: 'train', augment: true, labels: 'int', flatten: false });
    expect([data.size, data.inputShape, data.targetShape]).toEqual([200000, [28, 28, 1], []]);
    const { y } = values(data, [7, 50007, 100007, 150007]);
    expect(new Set(y).size).toBe(1);
  });

  it('iterates an epoch of MNIST without leaking tensors', async () => {
    const data = await loadTask({ dataset: 'mnist', task: 'denoise', split: 'eval' });
    const before = tf.memory().numTensors;
    let n = 0;
    for await (const { x, y } of iterate(data, { batchSize: 1000, seed: 3, epoch: 1 })) {
      expect(x.shape).toEqual([1000, 784]);
      expect(y.shape).toEqual([1000, 784]);
      n += x.shape[0]!;
    }
    expect(n).toBe(10000);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown data sets, tasks, splits and options, naming them', async () => {
    await expect(loadTask({ dataset: 'svhn', task: 'denoise', split: 'train' })).rejects.toThrow(/option "dataset" must be one of "mnist", "fashion-mnist", "cifar10", "cifar100", "imagenet32", received "svhn"/);
    await expect(loadTask({ dataset: 'mnist', task: 'denoise', split: 'val' as never })).rejects.toThrow(/option "split" must be one of "train", "eval", "test", received "val"/);
    await expect(loadTask({ dataset: 'mnist', task: 'denoise', split: 'train', evalSize: 60000 })).rejects.toThrow(/option "evalSize" must be smaller than the 60000 examples/);
    await expect(loadTask({ dataset: 'mnist', task: 'denoise', split: 'train', sigma: 'high' as never })).rejects.toThrow(/option "sigma" must be a finite number/);
    await expect(loadTask({ dataset: 'mnist', task: 'denoise', split: 'train', batchSize: 3 } as never)).rejects.toThrow(/unknown option "batchSize"/);
  });
});

describe('planSplit', () => {
  it('ImageNet-32 style: the validation set is halved into eval and test, training is used whole', () => {
    const counts = { train: 7, test: 10 };
    const evalPlan = planSplit('eval', 'test', counts, 5, 42);
    const testPlan = planSplit('test', 'test', counts, 5, 42);
    expect(evalPlan.part).toBe('test');
    expect([...evalPlan.indices, ...testPlan.indices].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(evalPlan.indices.length).toBe(5);
    expect(Array.from(planSplit('train', 'test', counts, 5, 42).indices)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('data set names', () => {
  // Object.prototype's names were found through a plain-object lookup before (issue 19 item 9).
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s is an unknown data set with the usual error', async (name) => {
    await expect(loadTask({ dataset: name, task: 'denoise', split: 'test' })).rejects.toThrow(
      `loadTask: option "dataset" must be one of "mnist", "fashion-mnist", "cifar10", "cifar100", "imagenet32", received "${name}"`,
    );
  });

  it('common spellings still name the data set', () => {
    expect(['MNIST', 'Fashion_MNIST', 'cifar-10', 'CIFAR 100', 'ImageNet-32', 'imagenet32x32'].map(datasetId)).toEqual(
      ['mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'imagenet32', 'imagenet32'],
    );
  });
});
