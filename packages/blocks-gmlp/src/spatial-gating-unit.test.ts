import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpatialGatingUnit } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);

describe('SpatialGatingUnit at initialisation is the identity gate', () => {
  it('spatial weights are normal with std ≈ 1e-6 and the bias is exactly one', () => {
    const sgu = new SpatialGatingUnit();
    sgu.apply(tf.zeros([1, 64, 8]));
    const { kernel, bias } = tf.tidy(() => {
      const k = sgu.kernel!.read();
      const std = tf.sqrt(tf.mean(tf.square(k))).dataSync()[0]!;
      return { kernel: std, bias: Array.from(sgu.bias!.read().dataSync()) };
    });
    expect(kernel).toBeGreaterThan(0.8e-6);
    expect(kernel).toBeLessThan(1.2e-6);
    expect(bias).toEqual(Array.from({ length: 64 }, () => 1));
  });

  it('the output equals Z1 up to the near-zero spatial term Z1 ⊙ (W·LN(Z2))', () => {
    const before = tf.memory().numTensors;
    const n = 16;
    const sgu = new SpatialGatingUnit();
    const z = tf.randomNormal([3, n, 10], 0, 2, 'float32', 7);
    const y = sgu.apply(z) as tf.Tensor;
    const z1 = tf.slice(z, [0, 0, 0], [-1, -1, 5]);
    // |W·LN(Z2)| ≤ Σ_j |W_ij|·|LN(Z2)_j| ≈ n · 1e-6 · O(1), so relative to Z1 the difference is ~1e-5 at most.
    const diff = tf.tidy(() => tf.sub(y, z1));
    expect(maxAbs(diff) / maxAbs(z1)).toBeLessThan(1e-4);
    expect(maxAbs(diff)).toBeGreaterThan(0); // the spatial term is there, just tiny
    tf.dispose([z, y, z1, diff]);
    sgu.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('SpatialGatingUnit computes Z1 ⊙ (W · LN(Z2) + b)', () => {
  it('matches a hand computation: spatial_kernel is [from token, to token]', () => {
    const sgu = new SpatialGatingUnit({ seqLen: 2 });
    sgu.apply(tf.zeros([1, 2, 4]));
    // LN on (a, −a) with γ = 1, β = 0 gives (1, −1) (up to ε); token 1 receives 2× token 0, token 0 receives nothing.
    tf.tidy(() => {
      sgu.kernel!.write(tf.tensor2d([[0, 2], [0, 0]]));
      sgu.bias!.write(tf.tensor1d([0.5, 0]));
    });
    const z = tf.tensor3d([[[3, 4, 5, -5], [6, 7, 1, -1]]]); // Z1 = (3,4), (6,7); Z2 = (5,−5), (1,−1)
    const y = sgu.apply(z) as tf.Tensor;
    const expected = [[[3 * 0.5, 4 * 0.5], [6 * 2, 7 * -2]]];
    expect(maxAbs(tf.sub(y, expected))).toBeLessThan(1e-4);
  });

  it('the gate activation is applied to the gate, not the output', () => {
    const sgu = new SpatialGatingUnit({ seqLen: 2, activation: 'sigmoid' });
    const z = tf.tensor3d([[[3, 4, 5, -5], [6, 7, 1, -1]]]);
    const y = sgu.apply(z) as tf.Tensor; // gate ≈ b = 1 at init → sigmoid(1)
    const s = 1 / (1 + Math.exp(-1));
    expect(maxAbs(tf.sub(y, [[[3 * s, 4 * s], [6 * s, 7 * s]]]))).toBeLessThan(1e-4);
  });
});

describe('sequence lengths', () => {
  it('a causal unit takes a shorter input and gives the first outputs of the full-length input', () => {
    const sgu = new SpatialGatingUnit({ seqLen: 9, causal: true, spatialInitializer: { name: 'normal', stddev: 0.3 } });
    const full = tf.randomNormal([2, 9, 6], 0, 1, 'float32', 3);
    const yFull = sgu.apply(full) as tf.Tensor;
    const short = tf.slice(full, [0, 0, 0], [-1, 5, -1]);
    const yShort = sgu.apply(short) as tf.Tensor;
    expect(yShort.shape).toEqual([2, 5, 3]);
    expect(maxAbs(tf.sub(yShort, tf.slice(yFull, [0, 0, 0], [-1, 5, -1])))).toBe(0);
  });

  it('a longer input fails naming both lengths', () => {
    const sgu = new SpatialGatingUnit({ seqLen: 6, causal: true });
    expect(() => sgu.apply(tf.zeros([1, 8, 4]))).toThrow('SpatialGatingUnit: the input has 8 tokens but the spatial weights cover seqLen = 6; a longer sequence needs a unit built with seqLen ≥ 8');
  });

  it('a non-causal unit needs exactly seqLen tokens, also after it was built', () => {
    const sgu = new SpatialGatingUnit({ seqLen: 6 });
    expect(() => sgu.apply(tf.zeros([1, 4, 4]))).toThrow('SpatialGatingUnit: the input has 4 tokens but the spatial weights cover seqLen = 6; only a causal unit accepts shorter sequences');
    const inferred = new SpatialGatingUnit();
    inferred.apply(tf.zeros([1, 5, 4]));
    expect(inferred.seqLen).toBe(5);
    expect(() => inferred.apply(tf.zeros([1, 7, 4]))).toThrow('the input has 7 tokens but the spatial weights cover seqLen = 5');
  });

  it('rejects odd channels, other ranks and an unknown token axis without seqLen', () => {
    expect(() => new SpatialGatingUnit().apply(tf.zeros([1, 4, 5]))).toThrow('SpatialGatingUnit: the input\'s channels must be even (split into two halves), received 5');
    expect(() => new SpatialGatingUnit().apply(tf.zeros([4, 6]))).toThrow('SpatialGatingUnit: expected tokens [batch, tokens, channels] with known channels, received [4, 6]');
    expect(() => new SpatialGatingUnit().build([null, null, 6])).toThrow('SpatialGatingUnit: the token axis of the input is unknown; give the seqLen option');
  });

  it('rejects bad options by name', () => {
    expect(() => new SpatialGatingUnit({ seqLen: 0 })).toThrow('SpatialGatingUnit: option "seqLen" must be a positive integer, received 0');
    expect(() => new SpatialGatingUnit({ causal: 'yes' as never })).toThrow('SpatialGatingUnit: option "causal" must be true or false, received "yes"');
    expect(() => new SpatialGatingUnit({ activation: 'swish' as never })).toThrow('SpatialGatingUnit: option "activation" must be one of');
    expect(() => new SpatialGatingUnit({ seqlen: 4 } as never)).toThrow('SpatialGatingUnit: unknown option "seqlen" (received 4)');
  });
});

describe('SpatialGatingUnit conformance', () => {
  it('non-causal, seqLen inferred', async () => {
    await checkConformance({ name: 'SpatialGatingUnit', create: () => new SpatialGatingUnit(), inputShape: [6, 8] });
  });
  it('causal, gate activation, seqLen given', async () => {
    await checkConformance({ name: 'SpatialGatingUnit causal', create: () => new SpatialGatingUnit({ seqLen: 5, causal: true, activation: 'tanh' }), inputShape: [5, 4] });
  });
});
