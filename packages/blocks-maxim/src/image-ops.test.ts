// The convolution's two paths agree: the backend's Conv2D with the custom gradient (cpu has the kernels) against
// im2col through autodiff, in values and in gradients of input, kernel and bias, for MAXIM's three kinds of
// convolution on odd, non-square images (asymmetric 'SAME' padding).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dSame, conv2dSameIm2col } from './image-ops.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('conv2dSame', () => {
  it.each([
    { name: '3 × 3', k: 3, stride: 1 },
    { name: '4 × 4 stride 2', k: 4, stride: 2 },
    { name: '3 × 3 stride 2', k: 3, stride: 2 },
    { name: '1 × 1', k: 1, stride: 1 },
  ])('$name: Conv2D path = im2col, values and gradients', ({ k, stride }) => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 7, 9, 3], 0, 1, 'float32', 1);
    const kernel = tf.randomNormal([k, k, 3, 5], 0, 1, 'float32', 2);
    const bias = tf.randomNormal([5], 0, 1, 'float32', 3);
    const oh = Math.ceil(7 / stride);
    const ow = Math.ceil(9 / stride);
    const probe = tf.randomNormal([2, oh, ow, 5], 0, 1, 'float32', 4);
    const loss = (f: typeof conv2dSame) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c, stride), probe));
    const y = conv2dSame(x, kernel, bias, stride);
    const ref = conv2dSameIm2col(x, kernel, bias, stride);
    expect(y.shape).toEqual([2, oh, ow, 5]);
    expect(maxDiff(y, ref)).toBeLessThan(1e-5);
    const ours = tf.grads(loss(conv2dSame))([x, kernel, bias]);
    const theirs = tf.grads(loss(conv2dSameIm2col))([x, kernel, bias]);
    ours.forEach((g, i) => {
      expect(g.shape).toEqual(theirs[i]!.shape);
      expect(maxDiff(g, theirs[i]!)).toBeLessThan(1e-4);
      expect(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!)).toBeGreaterThan(0.1);
    });
    tf.dispose([x, kernel, bias, probe, y, ref, ...ours, ...theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
