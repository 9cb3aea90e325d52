// Switches the wasm backend's matrix products between the stock kernels and OpenBLAS.
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon.js';
import { FUSED_ADAMW_KERNEL, GELU_GRAD_KERNEL, GELU_KERNEL, setTransposeFreeProducts } from '@mlp-blocks/core';
import { adamwKernel, blasKernels, geluKernels } from './kernels.js';

const NAMES = [tf.BatchMatMul, tf._FusedMatMul, tf.Sum, tf.Mean, tf.Identity];
let stock: Record<string, tf.KernelConfig> | undefined;

/** Options of {@link enableBlasProducts}. */
export interface BlasOptions {
  /** OpenBLAS threads for the products (default: OpenBLAS's own choice, one per core or OPENBLAS_NUM_THREADS). */
  threads?: number;
}

/** What runs the products once enabled. */
export interface BlasInfo {
  /** OpenBLAS's build line, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell MAX_THREADS=64". */
  config: string;
  /** The CPU kernel set OpenBLAS chose. */
  core: string;
  threads: number;
}

/**
 * Switches tfjs's wasm backend to the addon's kernels: matrix products (`BatchMatMul`, `_FusedMatMul`) on
 * OpenBLAS and `Sum`/`Mean` over leading axes in C, all reading and writing the wasm heap in place, and
 * `Identity` sharing its input's buffer instead of copying it; registers
 * core's one-pass AdamW and GELU kernels; and tells core's ops that transposed products are as fast as plain
 * ones (so gradients skip their explicit transposes). Needs `@tensorflow/tfjs-backend-wasm` imported (its
 * kernels registered). What the addon does not cover (int32, general batch broadcasting, fused activations
 * other than relu, PReLU, other reduction axes) still runs on the stock kernels. Idempotent: a second call only
 * sets the thread count. Throws `BlasUnavailableError` when the addon is missing.
 */
export function enableBlasProducts(options: BlasOptions = {}): BlasInfo {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`enableBlasProducts: threads must be a positive integer, received ${String(options.threads)}`);
  }
  const addon = loadAddon();
  if (options.threads !== undefined) addon.setThreads(options.threads);
  if (stock === undefined) {
    const found: Record<string, tf.KernelConfig> = {};
    for (const name of NAMES) {
      const config = tf.getKernel(name, 'wasm');
      if (config === undefined) {
        throw new Error(`enableBlasProducts: the wasm backend's ${name} kernel is not registered; import '@tensorflow/tfjs-backend-wasm' first`);
      }
      found[name] = config;
    }
    for (const name of NAMES) tf.unregisterKernel(name, 'wasm');
    for (const config of blasKernels(addon, found)) tf.registerKernel(config);
    for (const config of [adamwKernel(addon), ...geluKernels(addon)]) tf.registerKernel(config);
    setTransposeFreeProducts('wasm');
    stock = found;
  }
  return addon.describe();
}

/** Puts the stock wasm kernels back and removes the addon's own (AdamW, GELU). A no-op when they are in place. */
export function disableBlasProducts(): void {
  if (stock === undefined) return;
  for (const name of NAMES) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock[name]!);
  }
  for (const name of [FUSED_ADAMW_KERNEL, GELU_KERNEL, GELU_GRAD_KERNEL]) tf.unregisterKernel(name, 'wasm');
  setTransposeFreeProducts(null);
  stock = undefined;
}

/** True while the addon's kernels are switched on (see {@link enableBlasProducts}). */
export function blasProductsEnabled(): boolean {
  return stock !== undefined;
}
