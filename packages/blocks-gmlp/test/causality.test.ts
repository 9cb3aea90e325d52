// Causality as a property over random inputs: with causal on, changing token j never changes the outputs at
// positions < j (bit for bit), for the block with and without tiny attention and for the whole sequence model.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmlpBlock, gmlpSequenceModel } from '../src/index.js';

const N = 9;
const D = 6;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Max |a − b| over positions [from, to) of the token axis. */
function diffOver(a: tf.Tensor, b: tf.Tensor, from: number, to: number): number {
  if (to <= from) return 0;
  return tf.tidy(() => {
    const size = [-1, to - from, ...a.shape.slice(2).map(() => -1)];
    const begin = [0, from, ...a.shape.slice(2).map(() => 0)];
    return tf.max(tf.abs(tf.sub(tf.slice(a, begin, size), tf.slice(b, begin, size)))).dataSync()[0]!;
  });
}

/** Every weight random (the spatial matrices in full, upper triangle included), so a leak would show. */
function randomiseWeights(weights: tfl.LayerVariable[], seed: number): void {
  weights.forEach((w, i) => tf.tidy(() => { w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed + i)); }));
}

/** Replaces token j of x [batch, n, d] by fresh random values. */
function perturbToken(x: tf.Tensor3D, j: number, seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, n, d] = x.shape;
    const mask = tf.reshape(tf.oneHot(tf.tensor1d([j], 'int32'), n), [1, n, 1]);
    return tf.add(tf.mul(x, tf.sub(1, mask)), tf.mul(tf.randomNormal([b, n, d], 0, 1, 'float32', seed), mask)) as tf.Tensor3D;
  });
}

const cases = { seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), j: fc.integer({ min: 0, max: N - 1 }) };

describe.each([false, true])('causal GmlpBlock (tiny attention %s)', (tinyAttention) => {
  const block = new GmlpBlock({ channelMlpDim: 8, seqLen: N, causal: true, tinyAttention, attentionDim: 4 });
  beforeAll(() => {
    (block.apply(tf.zeros([1, N, D])) as tf.Tensor).dispose();
    randomiseWeights(block.weights, tinyAttention ? 100 : 200);
  });
  afterAll(() => block.dispose());

  it('changing token j leaves every output before j unchanged, and changes output j', () => {
    fc.assert(fc.property(fc.record(cases), ({ seed, j }) => {
      const before = tf.memory().numTensors;
      const x = tf.randomNormal([2, N, D], 0, 1, 'float32', seed) as tf.Tensor3D;
      const x2 = perturbToken(x, j, seed + 1);
      const y = block.apply(x) as tf.Tensor;
      const y2 = block.apply(x2) as tf.Tensor;
      expect(diffOver(y, y2, 0, j)).toBe(0);
      expect(diffOver(y, y2, j, j + 1)).toBeGreaterThan(0);
      tf.dispose([x, x2, y, y2]);
      expect(tf.memory().numTensors).toBe(before);
    }), { seed: 20250101, numRuns: 40 });
  });
});

it('a non-causal block does let later tokens change earlier outputs (the property can fail)', () => {
  const block = new GmlpBlock({ channelMlpDim: 8, seqLen: N, tinyAttention: true, attentionDim: 4 });
  (block.apply(tf.zeros([1, N, D])) as tf.Tensor).dispose();
  randomiseWeights(block.weights, 300);
  const x = tf.randomNormal([2, N, D], 0, 1, 'float32', 1) as tf.Tensor3D;
  const x2 = perturbToken(x, N - 1, 2);
  expect(diffOver(block.apply(x) as tf.Tensor, block.apply(x2) as tf.Tensor, 0, 1)).toBeGreaterThan(1e-3);
});

describe.each([false, true])('causal sequence model (tiny attention %s)', (tinyAttention) => {
  const vocab = 11;
  const model = gmlpSequenceModel({ vocabSize: vocab, seqLen: N, embedDim: D, channelMlpDim: 8, depth: 2, tinyAttention, attentionDim: 4 });
  beforeAll(() => randomiseWeights(model.weights, tinyAttention ? 400 : 500));
  afterAll(() => model.dispose());

  it('changing token j leaves every prediction before j unchanged; a prefix predicts like the full sequence', () => {
    const tokens = fc.array(fc.integer({ min: 0, max: vocab - 1 }), { minLength: N, maxLength: N });
    fc.assert(fc.property(tokens, fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 1, max: vocab - 1 }), (ids, j, shift) => {
      const changed = ids.map((t, i) => (i === j ? (t + shift) % vocab : t));
      const x = tf.tensor2d([ids, changed]);
      const y = model.predict(x) as tf.Tensor;
      const [a, b] = tf.split(y, 2, 0) as [tf.Tensor, tf.Tensor];
      expect(diffOver(a, b, 0, j)).toBe(0);
      expect(diffOver(a, b, j, j + 1)).toBeGreaterThan(0);
      const prefix = tf.tensor2d([ids.slice(0, j + 1)]);
      const yp = model.predict(prefix) as tf.Tensor;
      const head = tf.slice(a, [0, 0, 0], [-1, j + 1, -1]);
      expect(diffOver(yp, head, 0, j + 1)).toBeLessThan(1e-5);
      tf.dispose([x, y, a, b, prefix, yp, head]);
    }), { seed: 20250102, numRuns: 30 });
  });
});
