import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticSet } from '../test/writers.js';
import { bicubicResize } from './bicubic.js';
import { createTask, firstOfEachClass } from './task.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Values of a batch as plain arrays, disposing the tensors. */
function take(b: { x: tf.Tensor; y: tf.Tensor }) {
  const out = { x: Array.from(b.x.dataSync()), y: Array.from(b.y.dataSync()), xShape: b.x.shape, yShape: b.y.shape, yDtype: b.y.dtype };
  tf.dispose([b.x, b.y]);
  return out;
}

describe('createTask on a small image set', () => {
  it('denoise: input = clamp(target + N(0, σ²), 0, 1), target in [0, 1], noise a pure function of (seed, epoch, index)', async () => {
    const images = await syntheticSet(40, 1, 8, 8);
    const data = createTask({ name: 's/denoise/train', task: 'denoise', images }, { sigma: 0.3, seed: 5 });
    expect([data.size, data.inputShape, data.targetShape]).toEqual([40, [64], [64]]);
    const all = Int32Array.from({ length: 40 }, (_, i) => i);
    const a = take(data.batch(all, 3));
    // Target: the bytes over 255.
    expect(a.y.slice(0, 64)).toEqual(Array.from(images.pixels(0), (v) => Math.fround(v / 255)));
    const diffs: number[] = [];
    let clamped = 0;
    for (let k = 0; k < a.x.length; k++) {
      expect(a.x[k]).toBeGreaterThanOrEqual(0);
      expect(a.x[k]).toBeLessThanOrEqual(1);
      if (a.x[k] === 0 || a.x[k] === 1) clamped++;
      else diffs.push(a.x[k]! - a.y[k]!);
    }
    expect(clamped).toBeGreaterThan(0);
    const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    const std = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / diffs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03); // 2560 draws, clamping trims the tails a little
    expect(std).toBeGreaterThan(0.22);
    expect(std).toBeLessThan(0.3);
    // Same (seed, epoch, index) → same noise, whatever the batch; another epoch → fresh noise.
    const again = take(data.batch([7, 3], 3));
    expect(again.x.slice(0, 64)).toEqual(a.x.slice(7 * 64, 8 * 64));
    expect(again.x.slice(64)).toEqual(a.x.slice(3 * 64, 4 * 64));
    expect(take(data.batch([7], 4)).x).not.toEqual(a.x.slice(7 * 64, 8 * 64));
    // Another seed → other noise; freshNoise: false → the same noise every epoch.
    const other = createTask({ name: 's', task: 'denoise', images }, { sigma: 0.3, seed: 6 });
    expect(take(other.batch([7], 3)).x).not.toEqual(a.x.slice(7 * 64, 8 * 64));
    const fixed = createTask({ name: 's', task: 'denoise', images }, { freshNoise: false });
    expect(take(fixed.batch([2], 0)).x).toEqual(take(fixed.batch([2], 9)).x);
  });

  it('superres: input = the ×2 bicubic downsample of the target', async () => {
    const images = await syntheticSet(5, 3, 10, 12);
    const data = createTask({ name: 's', task: 'superres', images });
    expect([data.inputShape, data.targetShape]).toEqual([[3 * 5 * 6], [360]]);
    const b = take(data.batch([4, 1], 0));
    expect(b.x).toEqual(Array.from(bicubicResize(Float32Array.from(b.y), [2, 3, 10, 12], 5, 6)));
  });

  it('genclass: target = the prototype of the example\'s class, the first of its class in split order', async () => {
    const images = await syntheticSet(12, 1, 4, 4, 3);
    const order = Int32Array.from([5, 9, 4, 0, 1, 2, 3, 6, 7, 8]); // first of class 2: 5, class 0: 9, class 1: 4
    expect(Array.from(firstOfEachClass(images, order))).toEqual([9, 4, 5]);
    const data = createTask({ name: 's', task: 'genclass', images, indices: order });
    const protoX = (i: number) => take(data.batch([i], 0)).x; // the example at position i is the image order[i]
    const b = take(data.batch([3, 6, 7], 0)); // images 0 (class 0), 3 (class 0), 6 (class 0)
    expect(b.y.slice(0, 16)).toEqual(protoX(1));
    const c = take(data.batch([5], 0)); // image 2, class 2
    expect(c.y).toEqual(protoX(0));
    // Prototypes from another split; a class without one is an error, named.
    const other = createTask({ name: 's', task: 'genclass', images, indices: Int32Array.from([1, 2]), prototypes: Int32Array.from([9, 4, 5]), prototypeImages: images });
    expect(take(other.batch([0], 0)).y).toEqual(protoX(2));
    expect(() => createTask({ name: 's', task: 'genclass', images, indices: Int32Array.from([0, 1]), prototypes: Int32Array.from([0, -1, -1]) }))
      .toThrow(/class 1 has no prototype/);
  });

  it('classify: one-hot float targets or int32 labels', async () => {
    const images = await syntheticSet(6, 1, 2, 2, 3);
    const onehot = take(createTask({ name: 's', task: 'classify', images }).batch([4, 2], 0));
    expect(onehot.yShape).toEqual([2, 3]);
    expect(onehot.y).toEqual([0, 1, 0, 0, 0, 1]);
    const ints = take(createTask({ name: 's', task: 'classify', images }, { labels: 'int' }).batch([4, 2], 0));
    expect([ints.yShape, ints.yDtype, ints.y]).toEqual([[2], 'int32', [1, 2]]);
  });

  it('flatten: false serves [H, W, C] images, the transpose of the CHW vectors', async () => {
    const images = await syntheticSet(2, 3, 4, 5);
    const flat = take(createTask({ name: 's', task: 'denoise', images }, { sigma: 0 }).batch([1], 0));
    const hwc = take(createTask({ name: 's', task: 'denoise', images }, { sigma: 0, flatten: false }).batch([1], 0));
    expect(hwc.xShape).toEqual([1, 4, 5, 3]);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 20; p++) expect(hwc.y[p * 3 + c]).toBe(flat.y[c * 20 + p]);
    const sr = createTask({ name: 's', task: 'superres', images }, { flatten: false });
    expect([sr.inputShape, sr.targetShape]).toEqual([[2, 2, 3], [4, 5, 3]]);
  });

  it('augment ×4: example k·n + i is image i with flip k (none, horizontal, vertical, both); ×2 is none / both', async () => {
    const images = await syntheticSet(3, 1, 3, 4);
    const data = createTask({ name: 's', task: 'denoise', images }, { sigma: 0, augment: true });
    expect([data.size, data.baseSize, data.augment]).toEqual([12, 3, 4]);
    const img = (e: number) => take(data.batch([e], 0)).y;
    const base = img(2);
    const at = (v: number[], r: number, c: number) => v[r * 4 + c];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) {
        expect(at(img(3 + 2), r, c)).toBe(at(base, r, 3 - c));
        expect(at(img(6 + 2), r, c)).toBe(at(base, 2 - r, c));
        expect(at(img(9 + 2), r, c)).toBe(at(base, 2 - r, 3 - c));
      }
    }
    expect(data.locate(11)).toEqual({ image: 2, flip: 'both' });
    const two = createTask({ name: 's', task: 'denoise', images }, { augment: 2 });
    expect([two.size, two.locate(4)]).toEqual([6, { image: 1, flip: 'both' }]);
    // genclass keeps the unflipped prototype as the target of a flipped input.
    const gc = createTask({ name: 's', task: 'genclass', images }, { augment: 4 });
    expect(take(gc.batch([5], 0)).y).toEqual(take(gc.batch([2], 0)).y);
  });

  it('rejects bad options and indices with errors naming them', async () => {
    const images = await syntheticSet(3, 1, 2, 2);
    expect(() => createTask({ name: 's', task: 'denoise', images }, { sigma: -1 })).toThrow(/option "sigma" must be a finite number ≥ 0, received -1/);
    expect(() => createTask({ name: 's', task: 'denoise', images }, { augment: 3 as never })).toThrow(/option "augment" must be false, true, 1, 2 or 4, received 3/);
    expect(() => createTask({ name: 's', task: 'denoise', images }, { sigmas: 1 } as never)).toThrow(/unknown option "sigmas"/);
    expect(() => createTask({ name: 's', task: 'blur' as never, images })).toThrow(/option "task" must be one of "denoise", "superres", "genclass", "classify", received "blur"/);
    const data = createTask({ name: 's', task: 'denoise', images });
    expect(() => data.batch([3], 0)).toThrow(/example index 3 is outside \[0, 3\)/);
    expect(() => data.batch([0], -1)).toThrow(/option "epoch" must be a non-negative integer, received -1/);
  });

  it('leaks no tensors: a batch creates exactly its two tensors', async () => {
    const images = await syntheticSet(8, 1, 4, 4);
    for (const task of ['denoise', 'superres', 'genclass', 'classify'] as const) {
      const data = createTask({ name: 's', task, images });
      const before = tf.memory().numTensors;
      const b = data.batch([0, 5, 7], 1);
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([b.x, b.y]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
