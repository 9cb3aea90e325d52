// denseTokens: a dense layer along axis 1 of [batch, n, channels]. Checked against a plain-JS float64 sum and
// its hand-derived gradients, on both paths: with transposes (every backend by default) and with the
// transpose-free batched products (what `blas` runs; here the cpu backend is declared transpose-free for it).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { denseTokens, setTransposeFreeProducts } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => setTransposeFreeProducts(null));

const [B, N, M, C] = [3, 5, 4, 6];
const vals = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 7.31 + seed) * 0.9));
const xv = vals(B * N * C, 1);
const wv = vals(N * M, 2);
const bv = vals(M, 3);
const rv = vals(B * M * C, 4); // the upstream gradient: the loss is Σ y ⊙ r
const at = (b: number, i: number, c: number, n: number) => (b * n + i) * C + c;

/** y[b, j, c] = Σᵢ x[b, i, c]·w[i, j] + bias[j], and the gradients of Σ y ⊙ r, in float64. */
function reference(withBias: boolean) {
  const y = new Float64Array(B * M * C);
  const dx = new Float64Array(B * N * C);
  const dw = new Float64Array(N * M);
  const db = new Float64Array(M);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < M; j++) {
      for (let c = 0; c < C; c++) {
        let acc = withBias ? bv[j]! : 0;
        for (let i = 0; i < N; i++) acc += xv[at(b, i, c, N)]! * wv[i * M + j]!;
        y[at(b, j, c, M)] = acc;
        const r = rv[at(b, j, c, M)]!;
        db[j] = db[j]! + r;
        for (let i = 0; i < N; i++) {
          dx[at(b, i, c, N)] = dx[at(b, i, c, N)]! + r * wv[i * M + j]!;
          dw[i * M + j] = dw[i * M + j]! + r * xv[at(b, i, c, N)]!;
        }
      }
    }
  }
  return { y, dx, dw, db };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
}

describe.each([
  ['with transposes (the default)', false],
  ['transpose-free (batched products, as on blas)', true],
])('denseTokens %s', (_name, transposeFree) => {
  it.each([true, false])('matches the float64 sum and its gradients (bias: %s), leaving no tensor behind', (withBias) => {
    if (transposeFree) setTransposeFreeProducts('cpu');
    const x = tf.tensor3d(xv, [B, N, C]);
    const w = tf.tensor2d(wv, [N, M]);
    const bias = tf.tensor1d(bv);
    const r = tf.tensor3d(rv, [B, M, C]);
    const before = tf.memory().numTensors;
    const y = denseTokens(x, w, withBias ? bias : null);
    expect(y.shape).toEqual([B, M, C]);
    const want = reference(withBias);
    expectClose(y.dataSync(), want.y);
    const args = withBias ? [x, w, bias] : [x, w];
    const grads = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(denseTokens(t[0]!, t[1]!, t[2] ?? null), r)))(args);
    expectClose(grads[0]!.dataSync(), want.dx);
    expectClose(grads[1]!.dataSync(), want.dw);
    if (withBias) expectClose(grads[2]!.dataSync(), want.db);
    tf.dispose([y, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, bias, r]);
  });
});

it('denseTokens names the shapes that do not fit', () => {
  const x = tf.zeros([2, 3, 4]);
  expect(() => denseTokens(x, tf.zeros([5, 2]))).toThrow('denseTokens: expected x [batch, 5, channels] for a kernel [5, 2], received x [2, 3, 4]');
  expect(() => denseTokens(tf.zeros([3, 4]), tf.zeros([3, 2]))).toThrow(/received x \[3, 4\]/);
});
