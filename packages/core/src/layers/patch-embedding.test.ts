import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PatchEmbedding, patchGrid, ShapeError } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** The error a function throws (fails the test if it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('PatchEmbedding', () => {
  const cases = [
    { name: 'square patches: image 8×8×3, patch 4', h: 8, w: 8, c: 3, patch: 4 as number | [number, number], d: 5, batch: 2 },
    { name: 'non-square image and patch: image 6×10×2, patch [3, 5]', h: 6, w: 10, c: 2, patch: [3, 5] as [number, number], d: 4, batch: 3 },
  ];

  for (const c of cases) {
    it(`${c.name}: equals conv2d(stride = kernel = patch, 'valid') + bias`, () => {
      const before = tf.memory().numTensors;
      const [ph, pw] = typeof c.patch === 'number' ? [c.patch, c.patch] : c.patch;
      const rows = c.h / ph;
      const cols = c.w / pw;
      const layer = new PatchEmbedding({ patchSize: c.patch, embedDim: c.d });
      const x = tf.randomNormal([c.batch, c.h, c.w, c.c], 0, 1, 'float32', 17);
      const y = layer.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([c.batch, rows * cols, c.d]);
      expect(layer.numPatches).toBe(rows * cols);

      // Give the bias non-trivial values so it is part of what is checked.
      const kernel = layer.kernel!.read();
      expect(kernel.shape).toEqual([ph * pw * c.c, c.d]);
      const bias = tf.randomUniform([c.d], -1, 1, 'float32', 3);
      layer.setWeights([kernel, bias]);
      const y2 = layer.apply(x) as tf.Tensor;

      const ref = tf.tidy(() => {
        const filter = tf.reshape(kernel, [ph, pw, c.c, c.d]) as tf.Tensor4D;
        const conv = tf.add(tf.conv2d(x as tf.Tensor4D, filter, [ph, pw], 'valid'), bias);
        expect(conv.shape).toEqual([c.batch, rows, cols, c.d]);
        return tf.reshape(conv, [c.batch, rows * cols, c.d]);
      });
      expect(maxAbsDiff(y2.dataSync(), ref.dataSync())).toBeLessThanOrEqual(1e-5);
      // The bias really changed the output (so the comparison above covers it).
      expect(maxAbsDiff(y.dataSync(), y2.dataSync())).toBeGreaterThan(1e-3);

      expect(layer.computeOutputShape([null, c.h, c.w, c.c])).toEqual([null, rows * cols, c.d]);
      expect(layer.computeOutputShape([c.batch, c.h, c.w, c.c])).toEqual([c.batch, rows * cols, c.d]);

      tf.dispose([x, y, y2, bias, ref]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('without bias: equals conv2d without bias', () => {
    const before = tf.memory().numTensors;
    const layer = new PatchEmbedding({ patchSize: [2, 3], embedDim: 3, useBias: false });
    const x = tf.randomNormal([1, 4, 6, 2], 0, 1, 'float32', 5);
    const y = layer.apply(x) as tf.Tensor;
    expect(layer.weights).toHaveLength(1);
    const ref = tf.tidy(() => tf.reshape(
      tf.conv2d(x as tf.Tensor4D, tf.reshape(layer.kernel!.read(), [2, 3, 2, 3]) as tf.Tensor4D, [2, 3], 'valid'), [1, 4, 3]));
    expect(maxAbsDiff(y.dataSync(), ref.dataSync())).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, y, ref]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('symbolic apply in a model gives [null, rows·cols, D]', () => {
    const input = tfl.input({ shape: [6, 10, 2] });
    const out = new PatchEmbedding({ patchSize: [3, 5], embedDim: 7 }).apply(input) as tfl.SymbolicTensor;
    expect(out.shape).toEqual([null, 4, 7]);
  });

  it('an image size the patch does not divide throws, naming the size and the patch size', () => {
    const err = thrown(() => new PatchEmbedding({ patchSize: 4, embedDim: 8 }).apply(tfl.input({ shape: [30, 28, 3] })));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toContain('30');
    expect(err.message).toMatch(/\b4\b/);

    const errW = thrown(() => new PatchEmbedding({ patchSize: [2, 3], embedDim: 8 }).build([null, 4, 10, 3]));
    expect(errW).toBeInstanceOf(ShapeError);
    expect(errW.message).toMatch(/width 10\b/);
    expect(errW.message).toMatch(/\b3\b/);

    const errShape = thrown(() => new PatchEmbedding({ patchSize: 4, embedDim: 8 }).computeOutputShape([null, 30, 28, 3]));
    expect(errShape.message).toContain('30');

    expect(() => patchGrid('X', 12, 9, [4, 3])).not.toThrow();
    expect(patchGrid('X', 12, 9, [4, 3])).toEqual([3, 3]);
  });

  it('a non-image input shape throws a clear error', () => {
    const err = thrown(() => new PatchEmbedding({ patchSize: 4, embedDim: 8 }).apply(tfl.input({ shape: [16, 3] })));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toMatch(/height, width, channels/);
    expect(err.message).toContain('[null, 16, 3]');

    const errUnknown = thrown(() => new PatchEmbedding({ patchSize: 4, embedDim: 8 }).build([null, null, 8, 3]));
    expect(errUnknown).toBeInstanceOf(ShapeError);
  });
});
