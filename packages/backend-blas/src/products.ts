// Switches the wasm backend's matrix products between the stock kernels and OpenBLAS.
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from './addon.js';
import { FUSED_ADAMW_KERNEL, setTransposeFreeProducts } from '@mlp-blocks/core';
import { adamwKernel, blasKernels } from './kernels.js';

const NAMES = [tf.BatchMatMul, tf._FusedMatMul, tf.Sum, tf.Mean];
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
 * Makes the wasm backend's matrix products (`BatchMatMul`, `_FusedMatMul`) run on OpenBLAS, reading and
 * writing the wasm heap in place; registers core's one-pass AdamW kernel in C; and tells core's ops that
 * transposed products are now as fast as plain ones (so gradients skip their explicit transposes). Needs `@tensorflow/tfjs-backend-wasm` imported (its kernels registered).
 * Products OpenBLAS does not cover (int32, general batch broadcasting, activations other than relu, PReLU)
 * still run on the stock kernels. Throws `BlasUnavailableError` when the addon is missing.
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
    tf.registerKernel(adamwKernel(addon));
    setTransposeFreeProducts('wasm');
    stock = found;
  }
  return addon.describe();
}

/** Puts the stock wasm products back. A no-op when they are in place. */
export function disableBlasProducts(): void {
  if (stock === undefined) return;
  for (const name of NAMES) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock[name]!);
  }
  tf.unregisterKernel(FUSED_ADAMW_KERNEL, 'wasm');
  setTransposeFreeProducts(null);
  stock = undefined;
}

/** True while the wasm backend's products run on OpenBLAS. */
export function blasProductsEnabled(): boolean {
  return stock !== undefined;
}
