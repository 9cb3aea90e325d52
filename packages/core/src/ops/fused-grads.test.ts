import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, LayerNorm, gelu, geluAutodiff, normalize, normalizeAutodiff } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Worst absolute difference between two tensors of one shape. */
function worst(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let w = 0;
  for (let i = 0; i < x.length; i++) w = Math.max(w, Math.abs(x[i]! - y[i]!));
  return w;
}

/** Gradient of Σ f(x) ⊙ r, a random cotangent so every output position weighs differently. */
function gradOf(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, r: tf.Tensor): tf.Tensor {
  return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), r)))(x);
}

/** Number of tape-recorded kernels and live tensors while a gradient is taken. */
function kernelsOf(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number {
  let n = 0;
  const eng = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
  const orig = eng.runKernel.bind(eng);
  eng.runKernel = (...a: unknown[]) => { n++; return orig(...a); };
  try {
    tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(f(v)))(x));
  } finally {
    eng.runKernel = orig;
  }
  return n;
}

describe('fused gradients equal autodiff of the same formula', () => {
  const cases: Array<{ shape: number[]; axes: number[] }> = [
    { shape: [16, 7], axes: [0] }, // batch norm, rank 2
    { shape: [4, 5, 6], axes: [0, 1] }, // batch norm, token input
    { shape: [4, 5, 6], axes: [2] }, // layer norm
  ];
  for (const { shape, axes } of cases) {
    it(`normalize over axes [${axes}] of [${shape}]: same values, gradient within 1e-5`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        // Shifted and scaled so the statistics are far from 0 and 1.
        const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 3), 2.5), 0.7);
        const r = tf.randomNormal(shape, 0, 1, 'float32', 4);
        expect(worst(normalize(x, axes, 1e-5), normalizeAutodiff(x, axes, 1e-5))).toBe(0);
        const fused = gradOf((v) => normalize(v, axes, 1e-5), x, r);
        const plain = gradOf((v) => normalizeAutodiff(v, axes, 1e-5), x, r);
        expect(worst(fused, plain)).toBeLessThan(1e-5);
        // The gradient of a normalisation sums to zero along the normalised axes: a check independent of autodiff.
        expect(Math.max(...tf.abs(tf.sum(fused, axes)).dataSync())).toBeLessThan(1e-4);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('gelu: same values as the formula; gradient equals Φ(x) + x·φ(x) and autodiff', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const xs = [-3, -1.5, -0.3, 0, 0.2, 1, 2.5];
      const x = tf.tensor1d(xs);
      expect(worst(gelu(x), geluAutodiff(x))).toBe(0);
      const g = tf.grad((v: tf.Tensor) => tf.sum(gelu(v)))(x).dataSync();
      // Hand formula in float64: Φ from the same erf identity, φ the normal density.
      const erf = (z: number) => { // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7)
        const t = 1 / (1 + 0.3275911 * Math.abs(z));
        const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
        return Math.sign(z) * y;
      };
      xs.forEach((v, i) => {
        const expected = 0.5 * (1 + erf(v / Math.SQRT2)) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
        expect(Math.abs(g[i]! - expected)).toBeLessThan(2e-6);
      });
      const r = tf.randomNormal([6, 9], 0, 1, 'float32', 5);
      const big = tf.randomNormal([6, 9], 0, 2, 'float32', 6);
      expect(worst(gradOf(gelu, big, r), gradOf(geluAutodiff, big, r))).toBeLessThan(1e-6);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the fused ops record fewer kernels than autodiff of their formulas', () => {
    const x = tf.randomNormal([8, 6], 0, 1, 'float32', 7);
    expect(kernelsOf((v) => normalize(v, [0], 1e-5), x)).toBeLessThan(kernelsOf((v) => normalizeAutodiff(v, [0], 1e-5), x));
    expect(kernelsOf(gelu, x)).toBeLessThan(kernelsOf(geluAutodiff, x));
    x.dispose();
  });

  it('BatchNorm in training still updates its running statistics through the fused op, without leaks', () => {
    const bn = new BatchNorm();
    const x = tf.tensor2d([[1, 10], [3, 14], [5, 12]]);
    bn.apply(x, { training: true }); // builds, and one update
    const before = tf.memory().numTensors;
    tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(bn.apply(v, { training: true }) as tf.Tensor))(x));
    expect(tf.memory().numTensors).toBe(before);
    // Two updates with momentum 0.1 from (0, 1): mean (3, 12), unbiased variance (4, 4).
    const m = 0.1;
    const mean1 = [3 * m, 12 * m];
    const var1 = [1 - m + 4 * m, 1 - m + 4 * m];
    const mean2 = mean1.map((v, i) => v * (1 - m) + [3, 12][i]! * m);
    const var2 = var1.map((v) => v * (1 - m) + 4 * m);
    const rm = bn.runningMean!.read().dataSync();
    const rv = bn.runningVar!.read().dataSync();
    mean2.forEach((v, i) => expect(rm[i]).toBeCloseTo(v, 5));
    var2.forEach((v, i) => expect(rv[i]).toBeCloseTo(v, 5));
    x.dispose();
    for (const w of bn.weights) w.dispose();
  });

  it('LayerNorm with affine: gradients of x, gamma and beta equal autodiff of the formula', () => {
    const ln = new LayerNorm();
    const x = tf.randomNormal([3, 4, 5], 1, 2, 'float32', 8);
    ln.apply(x);
    tf.tidy(() => {
      ln.gamma!.write(tf.randomNormal([5], 1, 0.3, 'float32', 9));
      ln.beta!.write(tf.randomNormal([5], 0, 0.3, 'float32', 10));
    });
    const r = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 11);
    const g = ln.gamma!.read();
    const b = ln.beta!.read();
    tf.tidy(() => {
      const layer = (v: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => normalize(v, [2], 1e-5, { gamma: gg, beta: bb });
      const plain = (v: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.add(tf.mul(normalizeAutodiff(v, [2], 1e-5), gg), bb);
      const fused = tf.grads((v: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layer(v, gg, bb), r)))([x, g, b]);
      const ref = tf.grads((v: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(plain(v, gg, bb), r)))([x, g, b]);
      fused.forEach((t, i) => expect(worst(t, ref[i]!)).toBeLessThan(1e-5));
      expect(worst(ln.apply(x) as tf.Tensor, plain(x, g, b))).toBeLessThan(1e-6);
    });
    tf.dispose([x, r]);
    for (const w of ln.weights) w.dispose();
  });
});
