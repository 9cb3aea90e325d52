// The OpenBLAS kernels of the `blas` backend against the stock wasm kernels they replace (run on the `wasm`
// backend in the same process, switching back and forth) and against an independent float64 reference: products
// for every transpose and batch layout, leading-axis reductions (bit-identical), the AdamW kernel (bit-identical
// to the tensor formula), fall-backs, errors and tensor bookkeeping.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {
  BATCH_NORM_GRAD_KERNEL,
  BATCH_NORM_INFERENCE_KERNEL,
  BATCH_NORM_KERNEL,
  BatchNorm,
  FUSED_ADAMW_KERNEL,
  GELU_GRAD_KERNEL,
  GELU_KERNEL,
  LAYER_NORM_GRAD_KERNEL,
  LAYER_NORM_KERNEL,
  DENSE_GELU_KERNEL,
  dense,
  denseActivation,
  gelu,
  geluAutodiff,
  normalize,
  productsTransposeFree,
} from '@mlp-blocks/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, BlasUnavailableError, configureBlas } from '../src/index.js';
import { loadAddon } from '../src/addon.js';

const onBlas = () => tf.setBackend('blas');
const onWasm = () => tf.setBackend('wasm');

beforeAll(async () => {
  await onWasm();
});
afterAll(async () => {
  await onWasm();
});

/**
 * Runs `f` on the stock kernels (`wasm`) and on the BLAS kernels (`blas`); returns both results as Float32Arrays.
 * Inputs made before the call live on whichever backend made them: tfjs moves them, as a user's switch would.
 */
async function both(f: () => tf.Tensor): Promise<{ stock: Float32Array; blas: Float32Array; shape: number[] }> {
  await onWasm();
  const s = tf.tidy(f);
  const stock = s.dataSync() as Float32Array;
  await onBlas();
  const b = tf.tidy(f);
  expect(b.shape).toEqual(s.shape);
  const out = { stock, blas: b.dataSync() as Float32Array, shape: b.shape };
  tf.dispose([s, b]);
  return out;
}

/** Plain float64 batched product with broadcasting of a single-matrix side: the independent reference. */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float64Array {
  const av = a.dataSync();
  const bv = b.dataSync();
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  const batchA = av.length / (ar * ac);
  const batchB = bv.length / (br * bc);
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++) {
    const ao = (batchA === 1 ? 0 : z) * ar * ac;
    const bo = (batchB === 1 ? 0 : z) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += av[ao + (ta ? p * ac + i : i * ac + p)]! * bv[bo + (tb ? j * bc + p : p * bc + j)]!;
        out[z * m * n + i * n + j] = s;
      }
    }
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe('BLAS products', () => {
  const cases: Array<[string, number[], number[], boolean, boolean]> = [
    ['2-D plain', [37, 19], [19, 23], false, false],
    ['2-D transposeA', [19, 37], [19, 23], true, false],
    ['2-D transposeB', [37, 19], [23, 19], false, true],
    ['2-D both transposed', [19, 37], [23, 19], true, true],
    ['batched, same batch', [3, 8, 5], [3, 7, 5], false, true],
    ['batched a, single b (broadcast)', [4, 6, 5], [1, 5, 9], false, false],
    ['single a, batched b (broadcast)', [6, 5], [4, 5, 9], false, false],
    ['rank 4 with two batch axes', [2, 3, 5, 4], [2, 3, 5, 6], true, false],
    ['a vector-shaped product (m = 1)', [1, 64], [64, 1], false, false],
  ];
  for (const [name, sa, sb, ta, tb] of cases) {
    it(`${name}: agrees with the stock kernel and a float64 reference`, async () => {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
      // the transposed layouts above are given as stored; swap them back for the flags
      const { stock, blas, shape } = await both(() => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb));
      expectClose(blas, stock);
      expectClose(blas, reference(a, b, ta, tb));
      expect(shape.slice(-2)).toEqual([ta ? sa.at(-1)! : sa.at(-2)!, tb ? sb.at(-2)! : sb.at(-1)!]);
      tf.dispose([a, b]);
    });
  }

  it('an empty batch gives an empty result, as the stock kernel does', async () => {
    const { stock, blas, shape } = await both(() => tf.matMul(tf.zeros([0, 3, 2]), tf.zeros([0, 2, 4])));
    expect(shape).toEqual([0, 3, 4]);
    expect(blas.length).toBe(0);
    expect(stock.length).toBe(0);
  });

  it('an empty inner dimension gives zeros (the stock kernel leaves its output uninitialised there)', async () => {
    const { blas } = await both(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])));
    expect(Array.from(blas)).toEqual(new Array(12).fill(0));
  });

  it('fused product with a bias and relu is computed by BLAS; other activations fall back to the stock kernel', async () => {
    const a = tf.randomNormal([16, 12], 0, 1, 'float32', 3);
    const w = tf.randomNormal([12, 10], 0, 1, 'float32', 4);
    const bias = tf.randomNormal([10], 0, 1, 'float32', 5);
    for (const activation of ['linear', 'relu', 'elu', 'sigmoid'] as const) {
      const { stock, blas } = await both(() => tf.fused.matMul({ a, b: w, bias, activation }));
      expectClose(blas, stock, 1e-5);
    }
    const ref = reference(a, w, false, false);
    const bv = bias.dataSync();
    const relu = (await both(() => tf.fused.matMul({ a, b: w, bias, activation: 'relu' }))).blas;
    expectClose(relu, ref.map((v, i) => Math.max(0, v + bv[i % 10]!)));
    tf.dispose([a, w, bias]);
  });

  it("the bias is added after the product, bit for bit as a separate Add; core's dense passes it to the product on blas", async () => {
    await onBlas();
    // 300 × 700 · 700 × 257: k past OpenBLAS's inner block, so a bias added before the product would round differently.
    const x = tf.randomNormal([300, 700], 0, 1, 'float32', 11);
    const w = tf.randomNormal([700, 257], 0, 0.05, 'float32', 12);
    const bias = tf.randomNormal([257], 0, 1, 'float32', 13);
    const bits = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer);
    const separate = tf.tidy(() => tf.add(tf.matMul(x, w), bias));
    const reluSeparate = tf.tidy(() => tf.relu(tf.add(tf.matMul(x, w), bias)));
    const fused = tf.fused.matMul({ a: x, b: w, bias });
    const reluFused = tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' });
    expect(bits(fused).equals(bits(separate))).toBe(true);
    expect(bits(reluFused).equals(bits(reluSeparate))).toBe(true);
    const info = await tf.profile(() => dense(x, w, bias));
    expect(info.kernelNames).toContain(tf._FusedMatMul);
    expect(info.kernelNames).not.toContain(tf.Add);
    expect(bits(info.result as tf.Tensor).equals(bits(separate))).toBe(true);
    // Its gradient: the bias gets the column sums of dy.
    const [dx, dw, db] = tf.grads((a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(dense(a, k, b))))([x, w, bias]);
    const [rx, rw, rb] = tf.grads((a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(a, k), b))))([x, w, bias]);
    expectClose(dx!.dataSync(), rx!.dataSync(), 1e-5);
    expectClose(dw!.dataSync(), rw!.dataSync(), 1e-5);
    expectClose(db!.dataSync(), rb!.dataSync(), 1e-5);
    await onWasm();
    const stock = await tf.profile(() => dense(x, w, bias));
    expect(stock.kernelNames).toContain(tf.Add);
    tf.dispose([x, w, bias, separate, reluSeparate, fused, reluFused, info.result as tf.Tensor, stock.result as tf.Tensor, dx!, dw!, db!, rx!, rw!, rb!]);
  });

  it('without a gradient, ReLU and GELU run in the product (bit for bit as apart); with one, apart; no tensor left', async () => {
    await onBlas();
    const x = tf.randomNormal([6, 33, 40], 0, 1, 'float32', 14);
    const w = tf.randomNormal([40, 300], 0, 0.3, 'float32', 15);
    const bias = tf.randomNormal([300], 0, 1, 'float32', 16);
    const bits = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer);
    for (const [name, act, fused] of [['gelu', gelu, DENSE_GELU_KERNEL], ['relu', tf.relu, tf._FusedMatMul]] as const) {
      for (const b of [bias, null]) {
        const apart = tf.tidy(() => act(dense(x, w, b)));
        const info = await tf.profile(() => denseActivation(x, w, b, name, act));
        expect(info.kernelNames, name).toContain(fused);
        expect(info.kernelNames, name).not.toContain(name === 'gelu' ? GELU_KERNEL : tf.Relu);
        expect((info.result as tf.Tensor).shape).toEqual([6, 33, 300]);
        expect(bits(info.result as tf.Tensor).equals(bits(apart)), `${name} ${b ? 'with' : 'without'} bias`).toBe(true);
        tf.dispose([apart, info.result as tf.Tensor]);
      }
      // Under a gradient the activation is its own node (its gradient needs the product's output).
      const graded = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(denseActivation(t, w, bias, name, act)))(x));
      expect(graded.kernelNames).not.toContain(DENSE_GELU_KERNEL);
      tf.dispose(graded.result as tf.Tensor);
    }
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(denseActivation(x, w, bias, 'gelu', gelu));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tf.engine().runKernel(DENSE_GELU_KERNEL, { a: x, b: w })).toThrow(/MlpBlocksDenseGelu: a and b must be float32 matrices/);
    await onWasm();
    const stock = await tf.profile(() => denseActivation(x, w, bias, 'gelu', gelu));
    expect(stock.kernelNames).not.toContain(DENSE_GELU_KERNEL);
    tf.dispose([stock.result as tf.Tensor, x, w, bias]);
  });

  it('gradients of a product (transposed operands inside) match the stock kernels', async () => {
    const x = tf.randomNormal([32, 20], 0, 1, 'float32', 6);
    const w = tf.randomNormal([20, 8], 0, 1, 'float32', 7);
    const grads = (which: 0 | 1) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D))))([x, w])[which]!;
    for (const which of [0, 1] as const) {
      const { stock, blas } = await both(() => grads(which));
      expectClose(blas, stock);
    }
    tf.dispose([x, w]);
  });

  it('leaves no tensor and no wasm memory behind', async () => {
    await onBlas();
    const a = tf.randomNormal([64, 48]);
    const b = tf.randomNormal([48, 32]);
    tf.dispose(tf.tidy(() => tf.matMul(a, b))); // warm
    const before = tf.memory();
    for (let i = 0; i < 20; i++) tf.dispose(tf.tidy(() => tf.add(tf.sum(tf.matMul(a, b)), tf.sum(tf.mean(a, 0)))));
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([a, b]);
  });
});

describe('leading-axis reductions', () => {
  const cases: Array<[string, number[], number | number[], boolean]> = [
    ['batch-norm statistics [128, 1150] over axis 0', [128, 1150], 0, false],
    ['[4, 5, 6] over axes 0 and 1', [4, 5, 6], [0, 1], false],
    ['[7, 3] over axis 0, keepDims', [7, 3], 0, true],
    ['[6, 9] over the last axis (stock kernel)', [6, 9], 1, false],
    ['[6, 9] over both axes (stock kernel)', [6, 9], [0, 1], false],
    ['negative axis -2 of [5, 4]', [5, 4], -2, false],
  ];
  for (const [name, shape, axis, keepDims] of cases) {
    it(`${name}: bit-identical to the stock kernels`, async () => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 8);
      for (const op of [tf.sum, tf.mean]) {
        const { stock, blas, shape: outShape } = await both(() => op(x, axis, keepDims));
        expect(Array.from(blas)).toEqual(Array.from(stock));
        expect(outShape).toEqual(op(x, axis, keepDims).shape);
      }
      tf.dispose(x);
    });
  }

  it('a column mean is the hand-computed one', async () => {
    await onBlas();
    const m = tf.tidy(() => tf.mean(tf.tensor2d([[1, 2], [3, 6], [5, 10]]), 0));
    expect(Array.from(m.dataSync())).toEqual([3, 6]);
    m.dispose();
  });

  it('int32 sums keep the stock kernel and its dtype', async () => {
    const { stock, blas } = await both(() => tf.cast(tf.sum(tf.tensor2d([[1, 2], [3, 4]], undefined, "int32"), 0), "float32"));
    expect(Array.from(blas)).toEqual([4, 6]);
    expect(Array.from(stock)).toEqual([4, 6]);
  });
});

describe('slice', () => {
  it('copies within the heap: the same values as the stock kernel for every layout and dtype, no tensor left', async () => {
    const x4 = tf.randomNormal([3, 5, 7, 20], 0, 1, 'float32', 31);
    const cases: Array<[tf.Tensor, number[], number[]]> = [
      [tf.reshape(x4, [15, 140]), [0, 0], [15, 70]], // a kernel's column group
      [tf.reshape(x4, [15, 140]), [2, 70], [-1, 70]],
      [tf.reshape(x4, [15, 140]), [4, 0], [3, 140]], // contiguous rows
      [x4, [1, 2, 3, 4], [2, 3, 2, 5]], // short runs
      [x4, [0, 0, 0, 0], [3, 5, 7, 20]],
      [tf.reshape(x4, [2100]), [17], [1000]],
      [tf.reshape(x4, [3, 5, 7, 2, 10]), [1, 0, 2, 1, 0], [2, 5, 3, 1, 10]], // rank 5: the stock kernel's generic path
      [tf.cast(tf.mul(x4, 100), 'int32'), [0, 1, 0, 2], [3, 2, 7, 17]],
      [x4, [1, 1, 1, 1], [0, 2, 2, 2]], // empty
    ];
    for (const [x, begin, size] of cases) {
      const { stock, blas, shape } = await both(() => tf.slice(x, begin, size));
      expect(shape).toEqual(tf.slice(x, begin, size).shape);
      expect(Array.from(blas), `[${x.shape}] from [${begin}] size [${size}]`).toEqual(Array.from(stock));
    }
    await onBlas();
    const before = tf.memory().numTensors;
    tf.dispose(tf.slice(x4, [0, 0, 0, 0], [1, 2, 3, 4]));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x4, ...cases.map(([t]) => t)]);
  });
});

describe('identity', () => {
  it('shares the buffer instead of copying, and either tensor outlives the other', async () => {
    await onBlas();
    const buffers = () => tf.backend().numDataIds();
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const before = buffers();
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(buffers()).toBe(before); // no second buffer
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    const z = tf.clone(y);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3, 4]);
    z.dispose();
    expect(buffers()).toBe(before - 1); // the last reference freed it
  });

  it('a cast to the same dtype shares the buffer too; a cast to another dtype converts', async () => {
    await onBlas();
    const buffers = () => tf.backend().numDataIds();
    const x = tf.tensor1d([1.5, -2.5, 3]);
    const before = buffers();
    const same = tf.cast(x, 'float32');
    expect(same.dataId).toBe(x.dataId);
    expect(buffers()).toBe(before);
    const ints = tf.cast(x, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    const back = tf.cast(ints, 'float32');
    expect(back.dtype).toBe('float32');
    expect(back.dataId).not.toBe(ints.dataId);
    expect(Array.from(back.dataSync())).toEqual([1, -2, 3]);
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.5, 3]);
    tf.dispose([same, ints, back]);
  });

  it('a clone kept across a variable update keeps the old values', async () => {
    await onBlas();
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, saved]);
  });
});

describe('the AdamW kernel', () => {
  // The tensor formula train's AdamW runs without the kernel; JS numbers become float32 scalars as there.
  function tensorAdamW(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: { lr: number; b1: number; b2: number; eps: number; wd: number; t: number }) {
    const bc1 = 1 - o.b1 ** o.t;
    const bc2 = 1 - o.b2 ** o.t;
    const m2 = tf.add(tf.mul(m, o.b1), tf.mul(g, 1 - o.b1));
    const v2 = tf.add(tf.mul(v, o.b2), tf.mul(tf.square(g), 1 - o.b2));
    const decayed = o.wd > 0 ? tf.mul(p, 1 - o.lr * o.wd) : p;
    const denom = tf.add(tf.sqrt(tf.div(v2, bc2)), o.eps);
    return [tf.sub(decayed, tf.mul(tf.div(m2, denom), o.lr / bc1)), m2, v2];
  }

  for (const wd of [0.01, 0]) {
    it(`is bit-identical to the tensor formula (weight decay ${wd})`, async () => {
      await onBlas();
      const o = { lr: 3e-3, b1: 0.9, b2: 0.999, eps: 1e-8, wd, t: 7 };
      const f = Math.fround;
      const scalars = [f(o.b1), f(1 - o.b1), f(o.b2), f(1 - o.b2), o.wd > 0 ? f(1 - o.lr * o.wd) : Number.NaN, f(1 - o.b2 ** o.t), f(o.eps), f(o.lr / (1 - o.b1 ** o.t))];
      const [p, g, m] = [1, 2, 3].map((s) => tf.randomNormal([1000, 37], 0, 1, 'float32', s));
      const v = tf.abs(tf.randomNormal([1000, 37], 0, 1, 'float32', 4));
      const expected = tf.tidy(() => tensorAdamW(p!, g!, m!, v, o));
      const actual = tf.engine().runKernel(FUSED_ADAMW_KERNEL, { param: p!, grad: g!, m: m!, v }, { scalars } as never) as tf.Tensor[];
      for (let i = 0; i < 3; i++) expect(Array.from(actual[i]!.dataSync())).toEqual(Array.from(expected[i]!.dataSync()));
      tf.dispose([p!, g!, m!, v, ...expected, ...actual]);
    });
  }

  it('rejects inputs of different shapes, naming the input', async () => {
    await onBlas();
    const p = tf.zeros([4]);
    const g = tf.zeros([5]);
    expect(() => tf.engine().runKernel(FUSED_ADAMW_KERNEL, { param: p, grad: g, m: p, v: p }, { scalars: [0, 0, 0, 0, 0, 1, 0, 0] } as never)).toThrow(
      /MlpBlocksFusedAdamW: input grad must be float32 of shape \[4\]/,
    );
    tf.dispose([p, g]);
  });
});

describe('the GELU kernels', () => {
  // Φ(x) with an erf accurate to ~1e-15 (W. J. Cody's rational approximations are overkill here: the series
  // and continued fraction below, in float64, are enough to check float32 results).
  function erf64(x: number): number {
    const a = Math.abs(x);
    let r: number;
    if (a < 3) {
      let term = a;
      let sum = a;
      for (let n = 1; n < 200; n++) {
        term *= (-a * a) / n;
        sum += term / (2 * n + 1);
      }
      r = (2 / Math.sqrt(Math.PI)) * sum;
    } else {
      let f = 0;
      for (let n = 60; n >= 1; n--) f = (n / 2) / (a + f);
      r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
    }
    return x < 0 ? -r : r;
  }
  const values = Array.from({ length: 2001 }, (_, i) => (i - 1000) / 150);

  it('forward and gradient match float64 GELU within the erf approximation (1.5e-7), and the stock formula', async () => {
    await onBlas();
    const x = tf.tensor1d(values);
    const dy = tf.tensor1d(values.map((_, i) => 1 + (i % 7) / 10));
    const y = tf.engine().runKernel(GELU_KERNEL, { x }) as tf.Tensor;
    const dx = tf.engine().runKernel(GELU_GRAD_KERNEL, { x, dy }) as tf.Tensor;
    const yv = y.dataSync();
    const dxv = dx.dataSync();
    const dyv = dy.dataSync();
    values.forEach((v, i) => {
      const xv = Math.fround(v);
      const cdf = 0.5 * (1 + erf64(xv / Math.SQRT2));
      const pdf = Math.exp(-0.5 * xv * xv) / Math.sqrt(2 * Math.PI);
      expect(Math.abs(yv[i]! - xv * cdf)).toBeLessThan(2e-6 * (1 + Math.abs(xv)));
      expect(Math.abs(dxv[i]! - dyv[i]! * (cdf + xv * pdf))).toBeLessThan(4e-6);
    });
    const { stock, blas } = await both(() => gelu(x));
    expectClose(blas, stock, 1e-6);
    tf.dispose([x, dy, y, dx]);
  });

  it("core's gelu runs the kernels when they are registered; its gradient agrees with autodiff of the formula", async () => {
    const x = tf.randomNormal([64, 33], 0, 2, 'float32', 9);
    const w = tf.randomNormal([64, 33], 0, 1, 'float32', 10);
    const grad = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), w)))(x);
    await onBlas();
    const info = await tf.profile(() => tf.tidy(() => grad(gelu)));
    expect(info.kernelNames).toEqual(expect.arrayContaining([GELU_KERNEL, GELU_GRAD_KERNEL]));
    expect(info.kernelNames).not.toContain('Erf');
    tf.dispose(info.result as tf.Tensor);
    const { stock, blas } = await both(() => grad(gelu));
    expectClose(blas, stock, 1e-5);
    await onWasm();
    const reference = tf.tidy(() => grad(geluAutodiff));
    expectClose(blas, reference.dataSync(), 1e-5);
    tf.dispose([x, w, reference]);
  });

  it('rejects a gradient of another shape and non-float32 input, naming them', async () => {
    await onBlas();
    const x = tf.zeros([4]);
    expect(() => tf.engine().runKernel(GELU_GRAD_KERNEL, { x, dy: tf.zeros([5]) })).toThrow(/MlpBlocksGeluGrad: dy has shape \[5\] but x has \[4\]/);
    expect(() => tf.engine().runKernel(GELU_KERNEL, { x: tf.zeros([2], 'int32') })).toThrow(/MlpBlocksGelu: input x must be float32, received int32/);
    x.dispose();
  });
});

describe('the layer-norm and batch-norm kernels', () => {
  /**
   * y and the gradients of Σ y·w with respect to x, γ and β (those given), as Float32Arrays; over the last axis
   * (layer norm) or every other axis (batch norm, whose mean and variance handed to onMoments come last).
   */
  function normAndGrads(shape: number[], withGamma: boolean, withBeta: boolean, epsilon: number, batch: boolean): Float32Array[] {
    const moments: Float32Array[] = [];
    const out = tf.tidy(() => {
      const c = shape[shape.length - 1]!;
      const x = tf.randomNormal(shape, 0.3, 2, 'float32', 1);
      const gamma = withGamma ? tf.randomNormal([c], 1, 0.5, 'float32', 2) : null;
      const beta = withBeta ? tf.randomNormal([c], 0, 0.5, 'float32', 3) : null;
      const w = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const axes = batch ? shape.slice(0, -1).map((_, i) => i) : [shape.length - 1];
      const onMoments = batch ? (m: tf.Tensor, v: tf.Tensor) => void moments.splice(0, 2, m.dataSync() as Float32Array, v.dataSync() as Float32Array) : undefined;
      const norm = (t: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null) => normalize(t, axes, epsilon, { gamma: g, beta: b, onMoments });
      const args = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
      const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(norm(a[0]!, withGamma ? a[1]! : null, withBeta ? a[withGamma ? 2 : 1]! : null), w)))(args);
      return [norm(x, gamma, beta), ...grads].map((t) => t.dataSync() as Float32Array);
    });
    return [...out, ...moments];
  }
  const cases: Array<[number[], boolean, boolean, number]> = [
    [[37, 130], true, true, 1e-5],
    [[3, 49, 384], true, false, 1e-6], // gMLP-like; 147 rows: 18 blocks of 8 and 3 left over
    [[5, 7], false, true, 1e-5],
    [[2, 100, 33], false, false, 1e-3],
    [[1, 1], true, true, 1e-5], // one value: y = β, dx = 0
  ];
  for (const batch of [false, true]) {
    for (const [shape, withGamma, withBeta, epsilon] of [...cases, ...(batch ? [[[128, 1150], false, false, 1e-5]] as typeof cases : [])]) {
      it(`${batch ? 'batch' : 'layer'} norm [${shape.join(', ')}] γ ${withGamma} β ${withBeta}: forward and gradients bit-identical to core's formula on stock wasm`, async () => {
        await onWasm();
        const stock = normAndGrads(shape, withGamma, withBeta, epsilon, batch);
        await onBlas();
        const blas = normAndGrads(shape, withGamma, withBeta, epsilon, batch);
        expect(blas.length).toBe(stock.length);
        stock.forEach((s, i) => expect(Buffer.from(blas[i]!.buffer).equals(Buffer.from(s.buffer)), `output ${i}`).toBe(true));
      });
    }
  }

  it("core's normalize runs them on blas (last axis; every other axis), leaving no tensor behind; wasm keeps the formula", async () => {
    await onBlas();
    const x = tf.randomNormal([16, 24], 0, 1, 'float32', 5);
    const gamma = tf.ones([24]);
    for (const [axis, forward, grad] of [[1, LAYER_NORM_KERNEL, LAYER_NORM_GRAD_KERNEL], [0, BATCH_NORM_KERNEL, BATCH_NORM_GRAD_KERNEL]] as const) {
      const step = () => tf.tidy(() => tf.grads((t: tf.Tensor, g: tf.Tensor) => tf.sum(tf.square(normalize(t, [axis], 1e-5, { gamma: g }))))([x, gamma]));
      const info = await tf.profile(step);
      expect(info.kernelNames).toEqual(expect.arrayContaining([forward, grad]));
      expect(info.kernelNames).not.toContain('Rsqrt');
      tf.dispose(info.result as tf.Tensor[]);
      tf.dispose(step()); // warm
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) tf.dispose(step());
      expect(tf.memory().numTensors).toBe(before);
    }
    // Normalising over some other set of axes keeps the formula.
    const other = await tf.profile(() => normalize(tf.reshape(x, [4, 4, 24]), [1], 1e-5));
    expect(other.kernelNames).not.toContain(BATCH_NORM_KERNEL);
    expect(other.kernelNames).not.toContain(LAYER_NORM_KERNEL);
    tf.dispose(other.result as tf.Tensor);
    await onWasm();
    const stock = await tf.profile(() => normalize(x, [1], 1e-5));
    expect(stock.kernelNames).not.toContain(LAYER_NORM_KERNEL);
    expect(stock.kernelNames).toContain('Rsqrt');
    tf.dispose([stock.result as tf.Tensor, x, gamma]);
  });

  it('a batch norm in evaluation is one kernel on blas, bit for bit as the formula on wasm; under a gradient, the formula', async () => {
    const x = tf.randomNormal([33, 40], 0.5, 2, 'float32', 21);
    for (const affine of [false, true]) {
      const bn = new BatchNorm({ affine });
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const info = await tf.profile(() => bn.apply(x, { training: false }) as tf.Tensor);
        const out = Buffer.from(((info.result as tf.Tensor).dataSync() as Float32Array).slice().buffer);
        tf.dispose(info.result as tf.Tensor);
        return { out, names: info.kernelNames };
      };
      await onWasm();
      bn.apply(x, { training: true }); // running statistics that are not 0 and 1
      if (affine) bn.setWeights([...bn.getWeights().slice(0, 2), tf.randomNormal([40], 1, 0.3, 'float32', 22), tf.randomNormal([40], 0, 0.3, 'float32', 23)]);
      const stock = await run('wasm');
      const blas = await run('blas');
      expect(blas.names).toEqual([BATCH_NORM_INFERENCE_KERNEL]);
      expect(stock.names).not.toContain(BATCH_NORM_INFERENCE_KERNEL);
      expect(blas.out.equals(stock.out), `affine ${affine}`).toBe(true);
      const graded = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(bn.apply(t, { training: false }) as tf.Tensor))(x));
      expect(graded.kernelNames).not.toContain(BATCH_NORM_INFERENCE_KERNEL);
      tf.dispose(graded.result as tf.Tensor);
      bn.dispose();
    }
    x.dispose();
  });

  it('rejects mismatched inputs, naming them', async () => {
    await onBlas();
    const x = tf.zeros([4, 3]);
    expect(() => tf.engine().runKernel(LAYER_NORM_KERNEL, { x, gamma: tf.ones([4]) }, { epsilon: 1e-5 })).toThrow(
      /MlpBlocksLayerNorm: input gamma has shape \[4\], expected \[3\]/,
    );
    expect(() => tf.engine().runKernel(LAYER_NORM_KERNEL, { x: tf.zeros([2], 'int32') }, { epsilon: 1e-5 })).toThrow(/input x must be float32, received int32/);
    expect(() =>
      tf.engine().runKernel(LAYER_NORM_GRAD_KERNEL, { x, mean: tf.zeros([4, 1]), rstd: tf.zeros([4, 1]), dy: tf.zeros([4, 2]) }, { hasBeta: false }),
    ).toThrow(/MlpBlocksLayerNormGrad: input dy has shape \[4, 2\], expected \[4, 3\]/);
    x.dispose();
  });
});

describe('switching and errors', () => {
  it('blas has every wasm kernel, its own in place of seven; wasm keeps the stock ones; transposes are free only on blas', async () => {
    const names = (backend: string) => tf.getKernelsForBackend(backend).map((k) => k.kernelName).sort();
    expect(names('blas')).toEqual(
      [...names('wasm'), FUSED_ADAMW_KERNEL, GELU_KERNEL, GELU_GRAD_KERNEL, LAYER_NORM_KERNEL, LAYER_NORM_GRAD_KERNEL, BATCH_NORM_KERNEL, BATCH_NORM_GRAD_KERNEL, BATCH_NORM_INFERENCE_KERNEL, DENSE_GELU_KERNEL].sort(),
    );
    for (const name of [tf.BatchMatMul, tf._FusedMatMul, tf.Sum, tf.Mean, tf.Identity, tf.Cast, tf.Slice]) {
      expect(tf.getKernel(name, 'blas')!.kernelFunc, name).not.toBe(tf.getKernel(name, 'wasm')!.kernelFunc);
    }
    expect(tf.getKernel(tf.Add, 'blas')!.kernelFunc).toBe(tf.getKernel(tf.Add, 'wasm')!.kernelFunc);
    expect(tf.getKernel(FUSED_ADAMW_KERNEL, 'wasm')).toBeUndefined();
    await onBlas();
    expect(productsTransposeFree()).toBe(true);
    await onWasm();
    expect(productsTransposeFree()).toBe(false);
  });

  it('configureBlas sets the threads and says what runs; a bad thread count names the option and the value', () => {
    const info = configureBlas({ threads: 1 });
    expect(info.threads).toBe(1);
    expect(info.config).toMatch(/OpenBLAS/);
    // In the workspace the addon is the source build; the packed package's prebuilt one is the consumer cases'.
    expect(info.addon).toBe(ADDON_PATH);
    expect(info.prebuilt).toBe(false);
    expect(configureBlas({ threads: 2 }).threads).toBe(2);
    expect(() => configureBlas({ threads: 0 })).toThrow(/configureBlas: threads must be a positive integer, received 0/);
    expect(() => configureBlas({ threads: 1.5 })).toThrow(/received 1\.5/);
  });

  it('the thread pool splits AdamW, GELU, leading-axis sums, layer and batch norm without changing a bit (1 vs 2 vs 3 threads)', () => {
    const addon = loadAddon();
    const n = 300_007; // above the split threshold, not a multiple of the 16-element part alignment
    const rand = (seed: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed) * 43758.5453 % 1) * scale);
    const [p, g, m] = [rand(1), rand(2), rand(3)];
    const v = rand(4).map(Math.abs);
    const dy = rand(5);
    const x = rand(6, 4);
    const rows = 1024; // 1024×1100 values: above the size from which a sum is split
    const big = Float32Array.from({ length: rows * 1100 }, (_, i) => Math.fround(Math.sin(i * 78.233) * 3));
    const scalars = [0.9, 0.1, 0.999, 0.001, 0.99997, 0.0069, 1e-8, 0.0003].map(Math.fround);
    const runAll = (threads: number) => {
      addon.setThreads(threads);
      const outs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      addon.adamw(p, g, m, v, outs[0]!, outs[1]!, outs[2]!, scalars);
      // The same update in place (its own loop), and with the outputs crossed over the inputs (the element loop).
      const [pIn, mIn, vIn] = [p.slice(), m.slice(), v.slice()];
      addon.adamw(pIn, g, mIn, vIn, pIn, mIn, vIn, scalars);
      const [pX, mX, vX] = [p.slice(), m.slice(), v.slice()];
      addon.adamw(pX, g, mX, vX, mX, pX, vX, scalars);
      [[pIn, mIn, vIn], [mX, pX, vX]].forEach((got, layout) => got.forEach((a, i) =>
        expect(Buffer.from(a.buffer).equals(Buffer.from(outs[i]!.buffer)), `AdamW output ${i}, layout ${layout}, ${threads} threads`).toBe(true)));
      const gelu = new Float32Array(n);
      addon.gelu(x, gelu);
      const geluGrad = new Float32Array(n);
      addon.geluGrad(x, dy, geluGrad);
      const sum = new Float32Array(1100);
      addon.reduceRows(big, sum, rows, 1100, false);
      const mean = new Float32Array(1100);
      addon.reduceRows(big, mean, rows, 1100, true);
      // Layer norm over 1024 rows of 1100 (above the split size), with γ and β, forward and gradient.
      const gamma = big.subarray(0, 1100).map((v) => 1 + v / 10);
      const beta = big.subarray(1100, 2200);
      const ln = [new Float32Array(rows * 1100), new Float32Array(rows), new Float32Array(rows)];
      addon.layerNorm(big, gamma, beta, ln[0]!, ln[1]!, ln[2]!, rows, 1100, 1e-5);
      const lnGrad = [new Float32Array(rows * 1100), new Float32Array(1100), new Float32Array(1100)];
      addon.layerNormGrad(big, ln[1]!, ln[2]!, big.map((v) => v * 0.5 - 0.1), gamma, lnGrad[0]!, lnGrad[1]!, lnGrad[2]!, rows, 1100);
      // Batch norm over the same 1024 rows (per channel), forward and gradient.
      const bn = [new Float32Array(rows * 1100), new Float32Array(1100), new Float32Array(1100), new Float32Array(1100)];
      addon.batchNorm(big, gamma, beta, bn[0]!, bn[1]!, bn[2]!, bn[3]!, rows, 1100, 1e-5);
      const bnGrad = [new Float32Array(rows * 1100), new Float32Array(1100), new Float32Array(1100)];
      addon.batchNormGrad(big, bn[1]!, bn[3]!, big.map((v) => v * 0.5 - 0.1), gamma, bnGrad[0]!, bnGrad[1]!, bnGrad[2]!, rows, 1100);
      return [...outs, gelu, geluGrad, sum, mean, ...ln, ...lnGrad, ...bn, ...bnGrad].map((a) => Buffer.from(a.buffer));
    };
    const one = runAll(1);
    for (const threads of [2, 3]) {
      const many = runAll(threads);
      one.forEach((bytes, i) => expect(many[i]!.equals(bytes), `output ${i} with ${threads} threads`).toBe(true));
    }
    // The sum is the hand-computed one (rows added in order, in float32).
    let s0 = 0;
    for (let r = 0; r < rows; r++) s0 = Math.fround(s0 + big[r * 1100]!);
    expect(new Float32Array(one[5]!.buffer)[0]).toBe(s0);
    addon.setThreads(2);
  });

  it('products split over the pool (by rows, columns or batch) are bit-identical for 1, 2 and 3 threads, and right', () => {
    const addon = loadAddon();
    const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed) * 43758.5453 % 1));
    // [batch, m, k, n]: rows split (m ≥ n), columns split, k past OpenBLAS's inner block, a batch split, and one below
    // the size from which a product is split at all.
    const cases = [[1, 1150, 128, 115], [1, 128, 115, 1150], [1, 200, 700, 300], [1, 33, 700, 2000], [6, 49, 49, 384], [1, 20, 30, 40]];
    for (const [batch, m, k, n] of cases as Array<[number, number, number, number]>) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
        const a = rand(batch * m * k, 1);
        const b = rand(batch * k * n, 2);
        const bias = rand(n, 3);
        const outs = [1, 2, 3].map((threads) => {
          addon.setThreads(threads);
          const out = new Float32Array(batch * m * n);
          addon.gemm(a, b, out, batch, m, n, k, ta, tb, true, true, bias, 1);
          return out;
        });
        outs.slice(1).forEach((o, i) => expect(Buffer.from(o.buffer).equals(Buffer.from(outs[0]!.buffer)), `[${batch}, ${m}, ${k}, ${n}] ta ${ta} tb ${tb}, ${i + 2} threads`).toBe(true));
        // One element of the last product against a float64 sum: relu(Σ op(a)[r, j]·op(b)[j, c] + bias[c]).
        const [i, r, c] = [batch - 1, m - 1, Math.floor(n / 2)];
        let sum = 0;
        for (let j = 0; j < k; j++) {
          const av = a[i * m * k + (ta ? j * m + r : r * k + j)]!;
          const bv = b[i * k * n + (tb ? c * k + j : j * n + c)]!;
          sum += av * bv;
        }
        expect(outs[1]![i * m * n + r * n + c]).toBeCloseTo(Math.max(0, sum + bias[c]!), 3);
      }
    }
    addon.setThreads(2);
  });

  it('a missing addon is a BlasUnavailableError naming the file and the fix', () => {
    const error = (() => {
      try {
        loadAddon('/nonexistent/build/Release/blas.node');
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BlasUnavailableError);
    expect((error as BlasUnavailableError).reason).toBe('the native addon /nonexistent/build/Release/blas.node was not built');
    expect((error as BlasUnavailableError).fix).toMatch(/apt-get install g\+\+ libopenblas-dev.*npm rebuild @mlp-blocks\/backend-blas/);
  });

  it('the addon checks its arguments and says which one is wrong', () => {
    const addon = loadAddon();
    const f = (n: number) => new Float32Array(n);
    expect(() => addon.gemm(f(5), f(6), f(4), 1, 2, 2, 3, false, false, false, false, null, false)).toThrow(/gemm: a has 5 values, fewer than the 6 the shapes need/);
    expect(() => addon.gemm(f(6), f(6), f(4), 1, 2, 2, 3, false, false, false, false, f(3), false)).toThrow(/gemm: bias has 3 values but the product has 2 columns/);
    expect(() => addon.gemm([1] as never, f(6), f(4), 1, 2, 2, 3, false, false, false, false, null, false)).toThrow(/argument a must be a Float32Array/);
    expect(() => addon.adamw(f(3), f(3), f(2), f(3), f(3), f(3), f(3), [])).toThrow(/adamw: m has 2 values but param has 3/);
    expect(() => addon.reduceRows(f(5), f(3), 2, 3, true)).toThrow(/reduceRows: 5 values cannot be 2 rows of 3/);
    expect(() => addon.gemm(f(6), f(6), f(4), 1, 2, 2, 3, false, false, false, false, null, 3)).toThrow(/gemm: activation must be 0 \(none\), 1 \(ReLU\), 2 \(GELU\)/);
    expect(() => addon.layerNorm(f(6), f(3), null, f(6), f(2), f(1), 2, 3, 1e-5)).toThrow(/layerNorm: x, y, mean and rstd have 6, 6, 2 and 1 values for 2 rows of 3/);
    expect(() => addon.layerNorm(f(6), f(2), null, f(6), f(2), f(2), 2, 3, 1e-5)).toThrow(/layerNorm: gamma and beta must be null or Float32Arrays of 3 values/);
    expect(() => addon.layerNormGrad(f(6), f(2), f(2), f(5), null, f(6), null, null, 2, 3)).toThrow(/layerNormGrad: x, dy and dx need 6 values/);
    expect(() => addon.batchNorm(f(6), null, null, f(6), f(3), f(3), f(2), 2, 3, 1e-5)).toThrow(/batchNorm: x and y need 6 values and mean, variance and rstd 3/);
    expect(() => addon.batchNormGrad(f(6), f(3), f(3), f(6), f(2), f(6), null, null, 2, 3)).toThrow(/batchNormGrad: gamma, dgamma and dbeta must be null or Float32Arrays of 3 values/);
  });
});
