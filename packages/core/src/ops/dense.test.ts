import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, denseAutodiff } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Deterministic values in [-1, 1), rounded to float32 so plain-JS references see exactly the tensor's numbers. */
function values(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // xorshift32, independent of the library's SeededRandom.
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = Math.fround((s / 4294967296) * 2 - 1);
  }
  return out;
}

/** Plain-JS y[m, u] = Σ_k x[m, k]·w[k, u] + b[u], in float64. */
function matmulJs(x: Float64Array, w: Float64Array, b: Float64Array | null, rows: number, inDim: number, units: number): Float64Array {
  const y = new Float64Array(rows * units);
  for (let m = 0; m < rows; m++) {
    for (let u = 0; u < units; u++) {
      let acc = b ? b[u]! : 0;
      for (let k = 0; k < inDim; k++) acc += x[m * inDim + k]! * w[k * units + u]!;
      y[m * units + u] = acc;
    }
  }
  return y;
}

/** Plain-JS gradients of Σ y ⊙ r: dx = r·Wᵀ, dW = xᵀ·r, db = Σ_rows r. */
function gradsJs(x: Float64Array, w: Float64Array, r: Float64Array, rows: number, inDim: number, units: number) {
  const dx = new Float64Array(rows * inDim);
  const dw = new Float64Array(inDim * units);
  const db = new Float64Array(units);
  for (let m = 0; m < rows; m++) {
    for (let u = 0; u < units; u++) {
      const g = r[m * units + u]!;
      db[u] = db[u]! + g;
      for (let k = 0; k < inDim; k++) {
        dx[m * inDim + k] = dx[m * inDim + k]! + g * w[k * units + u]!;
        dw[k * units + u] = dw[k * units + u]! + g * x[m * inDim + k]!;
      }
    }
  }
  return { dx, dw, db };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

const TOL = 1e-5;

describe('dense op (custom gradient)', () => {
  const cases = [
    { name: 'rank-2 input [7, 5] → 3', xShape: [7, 5], units: 3 },
    { name: 'rank-3 input [2, 4, 5] → 3', xShape: [2, 4, 5], units: 3 },
  ];

  for (const c of cases) {
    for (const withBias of [true, false]) {
      it(`${c.name}${withBias ? '' : ', no bias'}: forward and gradients match autodiff and plain JS`, () => {
        const before = tf.memory().numTensors;
        const inDim = c.xShape[c.xShape.length - 1]!;
        const rows = c.xShape.slice(0, -1).reduce((a, b) => a * b, 1);
        const xv = values(rows * inDim, 11);
        const wv = values(inDim * c.units, 23);
        const bv = values(c.units, 37);
        const rv = values(rows * c.units, 41);
        const x = tf.tensor(Float32Array.from(xv), c.xShape);
        const w = tf.tensor2d(Float32Array.from(wv), [inDim, c.units]);
        const b = tf.tensor1d(Float32Array.from(bv));
        const r = tf.tensor(Float32Array.from(rv), [...c.xShape.slice(0, -1), c.units]);

        // Forward: same shape, equal to autodiff's and to plain JS.
        const y = dense(x, w, withBias ? b : null);
        const yRef = denseAutodiff(x, w, withBias ? b : null);
        expect(y.shape).toEqual([...c.xShape.slice(0, -1), c.units]);
        expect(yRef.shape).toEqual(y.shape);
        const yJs = matmulJs(xv, wv, withBias ? bv : null, rows, inDim, c.units);
        expectClose(y.dataSync(), yJs, TOL);
        expectClose(y.dataSync(), yRef.dataSync(), TOL);

        // Gradients of Σ dense(...) ⊙ r.
        const custom = withBias
          ? tf.grads((xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor) => tf.sum(tf.mul(dense(xa, wa, ba), r)))
          : tf.grads((xa: tf.Tensor, wa: tf.Tensor) => tf.sum(tf.mul(dense(xa, wa), r)));
        const auto = withBias
          ? tf.grads((xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor) => tf.sum(tf.mul(denseAutodiff(xa, wa, ba), r)))
          : tf.grads((xa: tf.Tensor, wa: tf.Tensor) => tf.sum(tf.mul(denseAutodiff(xa, wa), r)));
        const args = withBias ? [x, w, b] : [x, w];
        const gc = custom(args);
        const ga = auto(args);
        expect(gc).toHaveLength(args.length);
        expect(ga).toHaveLength(args.length);
        const js = gradsJs(xv, wv, rv, rows, inDim, c.units);
        const jsGrads = withBias ? [js.dx, js.dw, js.db] : [js.dx, js.dw];
        for (let i = 0; i < args.length; i++) {
          expect(gc[i]!.shape).toEqual(args[i]!.shape);
          expectClose(gc[i]!.dataSync(), ga[i]!.dataSync(), TOL);
          expectClose(gc[i]!.dataSync(), jsGrads[i]!, TOL);
        }

        tf.dispose([x, w, b, r, y, yRef, ...gc, ...ga]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('rejects a wrong inner dimension with both sizes in the message', () => {
    const before = tf.memory().numTensors;
    const x = tf.zeros([7, 4]);
    const w = tf.zeros([6, 3]);
    let message = '';
    try {
      dense(x, w).dispose();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\b4\b/);
    expect(message).toMatch(/\b6\b/);
    tf.dispose([x, w]);
    // The throw inside dense's tidy must not leak its intermediates.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a wrong inner dimension on rank-3 input too', () => {
    const x = tf.zeros([2, 4, 9]);
    const w = tf.zeros([5, 3]);
    expect(() => dense(x, w)).toThrow(/9[\s\S]*5|5[\s\S]*9/);
    tf.dispose([x, w]);
  });

  it('20 repeated gradient computations inside tf.tidy keep numTensors flat', () => {
    const x = tf.tensor(Float32Array.from(values(2 * 4 * 5, 5)), [2, 4, 5]);
    const w = tf.tensor2d(Float32Array.from(values(15, 6)), [5, 3]);
    const b = tf.tensor1d(Float32Array.from(values(3, 7)));
    const g = tf.grads((xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor) => tf.sum(tf.square(dense(xa, wa, ba))));
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        const grads = g([x, w, b]);
        expect(grads).toHaveLength(3);
      });
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual(new Array(20).fill(before));
    tf.dispose([x, w, b]);
  });
});
