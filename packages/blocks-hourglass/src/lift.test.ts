import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hourglassMlp, precomputeLift, trunk } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const options = { inputDim: 10, outputDim: 6, width: 16, bottleneck: 4, depth: 2, lift: 'fixed' as const, seed: 3 };

describe('training on precomputed lifted inputs', () => {
  it('gives the same weights as training with the lift inside (same seed, same data order)', async () => {
    const full = hourglassMlp(options);
    const split = hourglassMlp(options);
    split.setWeights(full.getWeights()); // blocks and head as in `full`; the fixed lift is regenerated from the seed
    const x = tf.randomUniform([24, 10], 0, 1, 'float32', 1) as tf.Tensor2D;
    const y = tf.randomUniform([24, 6], 0, 1, 'float32', 2);

    full.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
    await full.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });

    const lifted = precomputeLift(split, x);
    expect(lifted.shape).toEqual([24, 16]);
    const body = trunk(split);
    body.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
    await body.fit(lifted, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });

    const a = full.getWeights();
    const b = split.getWeights();
    expect(b.length).toBe(a.length);
    let worst = 0;
    a.forEach((w, i) => { worst = Math.max(worst, tf.tidy(() => tf.max(tf.abs(tf.sub(w, b[i]!))).dataSync()[0]!)); });
    expect(worst).toBeLessThan(1e-5);
    // ...and the weights really moved, so the comparison means something.
    const fresh = hourglassMlp(options);
    const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(fresh.getWeights()[0]!, a[0]!))).dataSync()[0]!);
    expect(moved).toBeGreaterThan(1e-3);
    const pa = full.predict(x) as tf.Tensor;
    const pb = split.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(pa, pb))).dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([x, y, lifted, pa, pb]);
    full.dispose();
    split.dispose();
    fresh.dispose();
  });

  it('equals the lift layer applied directly, in batches', () => {
    const model = hourglassMlp(options);
    const x = tf.randomUniform([37, 10], 0, 1, 'float32', 4) as tf.Tensor2D;
    const direct = model.getLayer('lift').apply(x) as tf.Tensor;
    const batched = precomputeLift(model, x, 8);
    expect(Array.from(batched.dataSync())).toEqual(Array.from(direct.dataSync()));
    tf.dispose([x, direct, batched]);
    model.dispose();
  });

  it('refuses a trainable lift', () => {
    const model = hourglassMlp({ ...options, lift: 'trainable' });
    const x = tf.zeros([2, 10]) as tf.Tensor2D;
    expect(() => precomputeLift(model, x)).toThrow(/the lift is trainable, so its output changes every step/);
    x.dispose();
    model.dispose();
  });
});
