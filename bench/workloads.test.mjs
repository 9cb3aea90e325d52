// The benchmark compares like with like only if the plain tf.layers models are the mlp-blocks networks:
// equal trainable parameter counts for every workload, and for the hourglass the same forward output once the
// weights are copied across. No timing here.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededTensor, specParams } from '@mlp-blocks/core';
import { buildSeeded } from '@mlp-blocks/cli'; // also registers the hourglass, gmlp and mixer families
import { plainModel, trainableCount } from './plain-models.mjs';
import { WORKLOADS, makeBatch, workload } from './workloads.mjs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  tf.disposeVariables();
});

describe.each(WORKLOADS)('workload $id ($name)', (w) => {
  it('the plain tf.layers model has the mlp-blocks model\'s trainable parameter count', () => {
    const a = buildSeeded(w.spec, 0);
    const b = plainModel(w);
    try {
      expect(trainableCount(b)).toBe(trainableCount(a));
      expect(trainableCount(a)).toBe(specParams(w.spec).trainable);
      expect(b.outputs[0].shape).toEqual(a.outputs[0].shape);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('hourglass with copied weights', () => {
  it('the plain model gives the mlp-blocks output in inference mode (to 1e-5)', async () => {
    const w = workload(1);
    const a = buildSeeded(w.spec, 0);
    const b = plainModel(w);
    const { x, y } = makeBatch(w);
    // Eight rows are enough to compare, and keep the plain-JS cpu backend quick.
    const rows = tf.slice(x, 0, 8);
    try {
      // The fixed lift is no weight in mlp-blocks: it is regenerated from its seed (0) with PyTorch's range
      // ±1/√784. Regenerate it the same way, and check it against the layer on a few rows.
      const lift = seededTensor(0, [784, 1150], 'uniform', 1 / Math.sqrt(784));
      const liftGap = tf.tidy(() => tf.max(tf.abs(tf.sub(/** @type {tf.Tensor} */ (a.getLayer('lift').apply(rows)), tf.matMul(rows, lift)))));
      expect((await liftGap.data())[0]).toBeLessThan(1e-5);
      b.getLayer('lift').setWeights([lift]);
      tf.dispose([lift, liftGap]);
      // Trainable weights come in the same order in both (block_i down, block_i up, …, head); shapes must match.
      const from = a.trainableWeights;
      const to = b.trainableWeights;
      expect(to.map((v) => v.shape)).toEqual(from.map((v) => v.shape));
      to.forEach((v, i) => v.write(from[i].read()));
      // Non-trivial running statistics in both, so the inference-mode batch norm is really compared.
      for (let i = 1; i <= 10; i++) tf.tidy(() => {
        const [mean, variance] = [tf.randomUniform([1150], -0.5, 0.5, 'float32', i), tf.randomUniform([1150], 0.5, 2, 'float32', 100 + i)];
        const [rm, rv] = a.getLayer(`block_${i}`).nonTrainableWeights;
        rm.write(mean);
        rv.write(variance);
        b.getLayer(`block_${i}_norm`).setWeights([tf.onesLike(mean), tf.zerosLike(mean), mean, variance]);
      });
      const out = tf.tidy(() => tf.max(tf.abs(tf.sub(/** @type {tf.Tensor} */ (a.predict(rows)), /** @type {tf.Tensor} */ (b.predict(rows))))));
      expect((await out.data())[0]).toBeLessThan(1e-5);
      out.dispose();
    } finally {
      tf.dispose([x, y, rows]);
      a.dispose();
      b.dispose();
    }
  });
});
