import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResidualMlpBlock } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ResidualMlpBlock conformance', () => {
  it('hourglass shape (hidden < width), batch norm, no biases', async () => {
    const block = new ResidualMlpBlock({ hidden: 3, width: 12 });
    expect(block.shape).toBe('hourglass');
    await checkConformance({ name: 'ResidualMlpBlock hourglass', create: () => new ResidualMlpBlock({ hidden: 3, width: 12 }), inputShape: [12], batchSize: 6 });
  });
  it('conventional shape (hidden > width), layer norm, biases, LayerScale, on tokens', async () => {
    expect(new ResidualMlpBlock({ hidden: 24, width: 6 }).shape).toBe('conventional');
    await checkConformance({
      name: 'ResidualMlpBlock conventional',
      create: () => new ResidualMlpBlock({ hidden: 24, norm: 'layer', bias: true, activation: 'gelu', layerScale: 0.1 }),
      inputShape: [5, 6],
    });
  });
});

describe('ResidualMlpBlock computes z + up(relu(down(BN(z))))', () => {
  it('matches a hand computation with norm none', () => {
    const block = new ResidualMlpBlock({ hidden: 1, norm: 'none' });
    block.apply(tf.zeros([1, 2]));
    block.setWeights([tf.tensor2d([[1], [-1]]), tf.tensor2d([[2, 3]])]); // down [2,1], up [1,2]
    const y = block.apply(tf.tensor2d([[3, 1], [1, 3]])) as tf.Tensor;
    // row 1: down = 3 − 1 = 2 → relu 2 → up (4, 6) → z + … = (7, 7); row 2: down = −2 → relu 0 → (1, 3)
    expect(y.arraySync()).toEqual([[7, 7], [1, 3]]);
  });
  it('rejects an input whose width differs from the configured one', () => {
    expect(() => new ResidualMlpBlock({ hidden: 2, width: 8 }).apply(tf.zeros([2, 6]))).toThrow('ResidualMlpBlock: configured width 8 but the input\'s last axis is 6');
  });
});
