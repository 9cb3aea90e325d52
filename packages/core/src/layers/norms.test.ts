import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { AffineNorm, BatchNorm, Dense, LayerNorm, RmsNorm, ShapeError } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const EPS = 1e-5;

/** Disposes a layer's variables (tfjs's layer.dispose() refuses layers built with build() instead of apply()). */
function disposeWeights(layer: { weights: { dispose(): void }[] }): void {
  for (const w of layer.weights) w.dispose();
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  expect(worst, `worst at index ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}

/** Flat row-major values of a tensor with `rows` rows of `d` channels, as float64 (values are float32-exact). */
function f64(values: number[]): Float64Array {
  return Float64Array.from(values, (v) => Math.fround(v));
}

/** Per-row normalisation over the last axis in float64: (x − mean) / √(biasedVar + eps). */
function layerNormJs(x: Float64Array, d: number, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[r * d + j]! - mean) ** 2;
    v /= d;
    for (let j = 0; j < d; j++) out[r * d + j] = (x[r * d + j]! - mean) / Math.sqrt(v + eps);
  }
  return out;
}

/** Per-channel statistics over every row: mean, biased and unbiased variance, in float64. */
function channelStats(x: Float64Array, d: number) {
  const n = x.length / d;
  const mean = new Float64Array(d);
  const biased = new Float64Array(d);
  const unbiased = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let r = 0; r < n; r++) m += x[r * d + j]!;
    m /= n;
    let ss = 0;
    for (let r = 0; r < n; r++) ss += (x[r * d + j]! - m) ** 2;
    mean[j] = m;
    biased[j] = ss / n;
    unbiased[j] = ss / (n - 1);
  }
  return { mean, biased, unbiased, n };
}

function normaliseJs(x: Float64Array, d: number, mean: Float64Array, variance: Float64Array, eps: number): Float64Array {
  return x.map((v, i) => (v - mean[i % d]!) / Math.sqrt(variance[i % d]! + eps));
}

const X34 = [
  1, 2, -1, 0.5,
  3, 0, 0.5, -4,
  -2, 4, 1.5, 2.25,
];
const X234 = [
  0.3, -1.2, 2.5, 0.1, 1, 1, 1, 1.5, -0.7, 3.3, -2.2, 0,
  4, -0.5, 0.25, 1.75, -3, 2, 0.6, -1.1, 0.9, 0.05, -0.4, 2.8,
];

describe('LayerNorm', () => {
  for (const [label, values, shape] of [['[3, 4]', X34, [3, 4]], ['[2, 3, 4]', X234, [2, 3, 4]]] as const) {
    it(`${label}: equals a hand computation and tfjs layerNormalization`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor(values as number[], shape as unknown as number[]);
      const ln = new LayerNorm();
      const ref = tfl.layers.layerNormalization({ epsilon: EPS });
      const y = ln.apply(x) as tf.Tensor;
      const yRef = ref.apply(x) as tf.Tensor;
      expect(y.shape).toEqual(x.shape);
      expectClose(y.dataSync(), layerNormJs(f64(values as number[]), 4, EPS), 1e-5);
      expectClose(y.dataSync(), yRef.dataSync(), 1e-5);
      tf.dispose([x, y, yRef]);
      disposeWeights(ln);
      disposeWeights(ref);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('applies gamma and beta after normalising', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(X34, [3, 4]);
    const ln = new LayerNorm();
    ln.build([null, 4]);
    const gamma = tf.tensor1d([2, -1, 0.5, 3]);
    const beta = tf.tensor1d([0, 1, -2, 0.25]);
    ln.setWeights([gamma, beta]);
    const y = ln.apply(x) as tf.Tensor;
    const n = layerNormJs(f64(X34), 4, EPS);
    const g = [2, -1, 0.5, 3];
    const b = [0, 1, -2, 0.25];
    expectClose(y.dataSync(), n.map((v, i) => v * g[i % 4]! + b[i % 4]!), 1e-5);
    tf.dispose([x, y, gamma, beta]);
    disposeWeights(ln);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('RmsNorm', () => {
  it('x / √(mean(x²) + 1e-6) per row, on [3, 4] and [2, 3, 4]', () => {
    const before = tf.memory().numTensors;
    for (const [values, shape] of [[X34, [3, 4]], [X234, [2, 3, 4]]] as const) {
      const x = tf.tensor(values as number[], shape as unknown as number[]);
      const norm = new RmsNorm();
      const y = norm.apply(x) as tf.Tensor;
      const xv = f64(values as number[]);
      const ref = new Float64Array(xv.length);
      for (let r = 0; r < xv.length / 4; r++) {
        let ms = 0;
        for (let j = 0; j < 4; j++) ms += xv[r * 4 + j]! ** 2;
        ms /= 4;
        for (let j = 0; j < 4; j++) ref[r * 4 + j] = xv[r * 4 + j]! / Math.sqrt(ms + 1e-6);
      }
      expect(y.shape).toEqual(x.shape);
      expectClose(y.dataSync(), ref, 1e-5);
      tf.dispose([x, y]);
      disposeWeights(norm);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('AffineNorm', () => {
  it('is the identity at initialisation and 2x + 1 after setWeights(α = 2, β = 1)', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(X34, [3, 4]);
    const aff = new AffineNorm();
    const y0 = aff.apply(x) as tf.Tensor;
    expect(Array.from(y0.dataSync())).toEqual(Array.from(x.dataSync()));
    const alpha = tf.fill([4], 2);
    const beta = tf.fill([4], 1);
    aff.setWeights([alpha, beta]);
    const y1 = aff.apply(x) as tf.Tensor;
    expectClose(y1.dataSync(), f64(X34).map((v) => 2 * v + 1), 1e-6);
    expect(aff.paramCounts()).toEqual({ trainable: 8, nonTrainable: 0, total: 8 });
    tf.dispose([x, y0, y1, alpha, beta]);
    disposeWeights(aff);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('BatchNorm (PyTorch semantics)', () => {
  const X43 = [
    1, 2, -1,
    3, 0, 0.5,
    -2, 4, 1.5,
    0, 6, 2.5,
  ];

  it('training: normalises with the biased batch variance and updates running stats with momentum 0.1 and the unbiased variance', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(X43, [4, 3]);
    const bn = new BatchNorm();
    const xv = f64(X43);
    const s = channelStats(xv, 3);

    const y = bn.apply(x, { training: true }) as tf.Tensor;
    expect(y.shape).toEqual([4, 3]);
    expectClose(y.dataSync(), normaliseJs(xv, 3, s.mean, s.biased, EPS), 1e-5);

    // running = 0.9·running + 0.1·batch, from (mean 0, var 1); variance update uses n/(n − 1).
    const rm1 = Array.from(s.mean, (m) => 0.1 * m);
    const rv1 = Array.from(s.unbiased, (v) => 0.9 + 0.1 * v);
    expectClose(bn.runningMean!.read().dataSync(), rm1, 1e-6);
    expectClose(bn.runningVar!.read().dataSync(), rv1, 1e-6);
    // The biased variance would give a different running variance: the check above can tell them apart.
    expect(Math.abs((0.9 + 0.1 * s.biased[0]!) - rv1[0]!)).toBeGreaterThan(1e-2);

    // getWeights reports the same values (no affine: [running_mean, running_var]); these are the live
    // variables themselves in tfjs, so they are not disposed here.
    const ws = bn.getWeights();
    expect(ws).toHaveLength(2);
    expectClose(ws[0]!.dataSync(), rm1, 1e-6);
    expectClose(ws[1]!.dataSync(), rv1, 1e-6);

    // Evaluation (explicit false, then absent) uses the running statistics and does not update them.
    const yEval = bn.apply(x, { training: false }) as tf.Tensor;
    const yEval2 = bn.apply(x) as tf.Tensor;
    const evalRef = normaliseJs(xv, 3, Float64Array.from(rm1), Float64Array.from(rv1), EPS);
    expectClose(yEval.dataSync(), evalRef, 1e-5);
    expectClose(yEval2.dataSync(), evalRef, 1e-5);
    expectClose(bn.runningMean!.read().dataSync(), rm1, 1e-6);
    expectClose(bn.runningVar!.read().dataSync(), rv1, 1e-6);

    // A second training step compounds: running = 0.9·running₁ + 0.1·batch.
    const y2 = bn.apply(x, { training: true }) as tf.Tensor;
    expectClose(bn.runningMean!.read().dataSync(), rm1.map((m, j) => 0.9 * m + 0.1 * s.mean[j]!), 1e-6);
    expectClose(bn.runningVar!.read().dataSync(), rv1.map((v, j) => 0.9 * v + 0.1 * s.unbiased[j]!), 1e-6);

    tf.dispose([x, y, yEval, yEval2, y2]);
    disposeWeights(bn);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rank 3 [2, 3, 4]: statistics are over the first two axes (n = 6 per channel)', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor3d(X234, [2, 3, 4]);
    const bn = new BatchNorm();
    const xv = f64(X234);
    const s = channelStats(xv, 4);
    expect(s.n).toBe(6);
    const y = bn.apply(x, { training: true }) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, 4]);
    expectClose(y.dataSync(), normaliseJs(xv, 4, s.mean, s.biased, EPS), 1e-5);
    expectClose(bn.runningMean!.read().dataSync(), Array.from(s.mean, (m) => 0.1 * m), 1e-6);
    expectClose(bn.runningVar!.read().dataSync(), Array.from(s.unbiased, (v) => 0.9 + 0.1 * v), 1e-6);
    tf.dispose([x, y]);
    disposeWeights(bn);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('affine: gamma and beta scale and shift the normalised output', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(X43, [4, 3]);
    const bn = new BatchNorm({ affine: true });
    bn.build([null, 3]);
    expect(bn.paramCounts()).toEqual({ trainable: 6, nonTrainable: 6, total: 12 });
    const gamma = tf.tensor1d([2, 0.5, -1]);
    const beta = tf.tensor1d([1, 0, 3]);
    const rm = tf.zeros([3]);
    const rv = tf.ones([3]);
    // tfjs orders weights trainable first: [gamma, beta, running_mean, running_var].
    bn.setWeights([gamma, beta, rm, rv]);
    const y = bn.apply(x, { training: true }) as tf.Tensor;
    const xv = f64(X43);
    const s = channelStats(xv, 3);
    const g = [2, 0.5, -1];
    const b = [1, 0, 3];
    expectClose(y.dataSync(), normaliseJs(xv, 3, s.mean, s.biased, EPS).map((v, i) => v * g[i % 3]! + b[i % 3]!), 1e-5);
    tf.dispose([x, y, gamma, beta, rm, rv]);
    disposeWeights(bn);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('training on a batch of one row (rank 2) throws "more than one value"', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[1, 2, 3]]);
    const bn = new BatchNorm();
    let err: unknown;
    try {
      bn.apply(x, { training: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toContain('more than one value');
    // Evaluation on the same input is fine.
    const y = bn.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 3]);
    tf.dispose([x, y]);
    disposeWeights(bn);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without affine: 0 trainable and 2·d non-trainable parameters', () => {
    const bn = new BatchNorm();
    bn.build([null, 7]);
    expect(bn.paramCounts()).toEqual({ trainable: 0, nonTrainable: 14, total: 14 });
    expect(bn.trainableWeights).toHaveLength(0);
    disposeWeights(bn);
  });

  it('Dense + BatchNorm in tfl.sequential trains with adam for 3 epochs and moves the running mean (tfjs issue 2868)', async () => {
    const model = tfl.sequential({
      layers: [new Dense({ units: 4, inputShape: [3] }), new BatchNorm()],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const bn = model.layers[1] as BatchNorm;
    expect(Array.from(bn.runningMean!.read().dataSync())).toEqual([0, 0, 0, 0]);
    const xs = tf.tensor2d(Array.from({ length: 16 * 3 }, (_, i) => Math.sin(i) * 2 + 0.5), [16, 3]);
    const ys = tf.tensor2d(Array.from({ length: 16 * 4 }, (_, i) => Math.cos(i)), [16, 4]);
    const history = await model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(history.history['loss']).toHaveLength(3);
    for (const l of history.history['loss']!) expect(Number.isFinite(l as number)).toBe(true);
    const rm = Array.from(bn.runningMean!.read().dataSync());
    expect(rm.some((v) => v !== 0)).toBe(true);
    expect(rm.every(Number.isFinite)).toBe(true);
    // Running statistics are not trained by the optimizer: only the Dense kernel and bias are trainable.
    expect(model.trainableWeights).toHaveLength(2);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
