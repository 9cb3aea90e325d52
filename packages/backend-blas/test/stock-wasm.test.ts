// A process that never asks for `blas` is unchanged by this package: importing it leaves every kernel of the
// `wasm` backend as the wasm package registered it (Identity still copies), tfjs still picks wasm by itself, and
// after a round trip through `blas` the wasm kernels are again the stock ones.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { FUSED_ADAMW_KERNEL, GELU_KERNEL, productsTransposeFree } from '@mlp-blocks/core';
import { describe, expect, it } from 'vitest';

// Taken before the package is imported (below, dynamically): the configs the wasm package registered.
const stock = new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]));

/** Every wasm kernel config is the very object the wasm package registered, and none was added. */
function expectStockWasmKernels(): void {
  const now = tf.getKernelsForBackend('wasm');
  expect(now.length).toBe(stock.size);
  for (const k of now) expect(k, k.kernelName).toBe(stock.get(k.kernelName));
  expect(tf.getKernel(FUSED_ADAMW_KERNEL, 'wasm')).toBeUndefined();
  expect(tf.getKernel(GELU_KERNEL, 'wasm')).toBeUndefined();
}

/** wasm's Identity copies: a clone has a buffer of its own. */
function expectIdentityCopies(): void {
  expect(tf.getBackend()).toBe('wasm');
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  expect(y.dataId).not.toBe(x.dataId);
  tf.dispose([x, y]);
}

describe('a process that never asks for blas', () => {
  it('keeps the stock wasm kernels after importing @mlp-blocks/backend-blas, and tfjs still picks wasm', async () => {
    expect(stock.size).toBeGreaterThan(100);
    await import('../src/index.js');
    expect(tf.findBackendFactory('blas')).not.toBeNull(); // registered, not started
    expectStockWasmKernels();
    await tf.ready(); // tfjs's own choice: the highest priority, which blas never is
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.engine().registry['blas']).toBeUndefined();
    expect(productsTransposeFree()).toBe(false);
    expectIdentityCopies();
  });

  it('has the stock wasm kernels and behaviour again after switching blas → wasm', async () => {
    const { useBackend } = await import('@mlp-blocks/backends/node');
    await useBackend('blas');
    expect(tf.getBackend()).toBe('blas');
    await useBackend('wasm');
    expectStockWasmKernels();
    expectIdentityCopies();
    expect(productsTransposeFree()).toBe(false);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(product.dataSync())).toEqual([11]);
  });
});
