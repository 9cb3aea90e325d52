import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, LayerScale } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const X = Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.fround(Math.sin(i + 1) * 3));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `index ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
  }
}

describe('LayerScale', () => {
  it('output = x · init on every channel (init 0.1, and the default 1e-5)', () => {
    const before = tf.memory().numTensors;
    for (const [args, init] of [[{ init: 0.1 }, 0.1], [{}, 1e-5]] as const) {
      const layer = new LayerScale(args);
      const x = tf.tensor3d(X, [2, 3, 4]);
      const y = layer.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([2, 3, 4]);
      expectClose(y.dataSync(), X.map((v) => v * init), init * 1e-6);
      expectClose(layer.gamma!.read().dataSync(), [init, init, init, init].map(Math.fround), 0);
      expect(layer.paramCounts()).toEqual({ trainable: 4, nonTrainable: 0, total: 4 });
      tf.dispose([x, y]);
      layer.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('after setWeights with a per-channel vector, each channel is scaled by its own factor', () => {
    const before = tf.memory().numTensors;
    const layer = new LayerScale({ init: 0.1 });
    const x = tf.tensor3d(X, [2, 3, 4]);
    (layer.apply(x) as tf.Tensor).dispose();
    const g = [2, -0.5, 0, 3.25];
    const gamma = tf.tensor1d(g);
    layer.setWeights([gamma]);
    const y = layer.apply(x) as tf.Tensor;
    expectClose(y.dataSync(), X.map((v, i) => v * g[i % 4]!), 1e-6);
    tf.dispose([x, y, gamma]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('init ≤ 0 (or not a number) throws a ConfigError naming "init"', () => {
    for (const init of [0, -0.1, Number.NaN]) {
      let err: unknown;
      try {
        new LayerScale({ init });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).option).toBe('init');
      expect((err as Error).message).toContain('"init"');
    }
  });
});
