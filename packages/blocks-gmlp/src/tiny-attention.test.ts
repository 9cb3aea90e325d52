import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TinyAttention } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);

describe('TinyAttention', () => {
  it('conformance (non-causal)', async () => {
    await checkConformance({ name: 'TinyAttention', create: () => new TinyAttention({ units: 5, attentionDim: 4 }), inputShape: [6, 3] });
  });
  it('conformance (causal)', async () => {
    await checkConformance({ name: 'TinyAttention causal', create: () => new TinyAttention({ units: 4, attentionDim: 3, causal: true }), inputShape: [5, 6] });
  });

  it('with zero queries and keys it averages the values (uniform attention); causal averages the prefix', () => {
    // qkv kernel = [0 | 0 | I]: q = k = 0, v = x; out = identity. Then output i = mean of x over the keys it sees.
    const x = tf.tensor3d([[[1, 0], [3, 2], [5, 10]]]);
    const make = (causal: boolean) => {
      const a = new TinyAttention({ units: 2, attentionDim: 2, causal, biasInitializer: 'zeros' });
      a.apply(x);
      const [qkv, , out] = a.weights;
      tf.tidy(() => {
        qkv!.write(tf.concat([tf.zeros([2, 4]), tf.eye(2)], 1));
        out!.write(tf.eye(2));
      });
      return a.apply(x) as tf.Tensor;
    };
    expect(maxAbs(tf.sub(make(false), [[[3, 4], [3, 4], [3, 4]]]))).toBeLessThan(1e-6);
    expect(maxAbs(tf.sub(make(true), [[[1, 0], [2, 1], [3, 4]]]))).toBeLessThan(1e-6);
  });

  it('rejects bad options and inputs by name', () => {
    expect(() => new TinyAttention({ units: 0 })).toThrow('TinyAttention: option "units" must be a positive integer, received 0');
    expect(() => new TinyAttention({ units: 2, attentionDim: 2.5 })).toThrow('TinyAttention: option "attentionDim" must be a positive integer, received 2.5');
    expect(() => new TinyAttention({ units: 2 }).apply(tf.zeros([2, 3]))).toThrow('TinyAttention: expected tokens [batch, tokens, channels] with known channels, received [2, 3]');
  });
});
