// `blas` as a tfjs backend of its own, so that `tf.getBackend()` says what runs and a process that never asks
// for it keeps the stock `wasm` backend untouched.
//
// How it is built (read from tfjs-core 4.22's engine.js and tfjs-backend-wasm's base.js / backend_wasm.js):
// - The instance comes from the wasm package's registered factory (`tf.findBackendFactory('wasm')`), which
//   initialises an Emscripten module of its own on each call: `blas` and `wasm` never share a heap or tensor ids.
//   The factory reads WASM_HAS_MULTITHREAD_SUPPORT synchronously when called; `blas` always takes the
//   single-threaded build (its products have OpenBLAS's threads), even in a process whose `wasm` runs threaded.
// - Every stock wasm kernel is registered again under backendName `blas`, with the addon's BatchMatMul,
//   _FusedMatMul, Sum, Mean, Identity, Cast and Slice in place of the stock ones, plus core's AdamW, GELU,
//   layer/batch-norm and dense-GELU kernels. The stock kernels bind their wasm entry points in module-level
//   variables from their `setupFunc`; tfjs runs every registered kernel's setupFunc on each `tf.setBackend`
//   (Engine.setupRegisteredKernels), so those bindings follow whichever of `wasm` and `blas` is active.
// - Tensors made on one backend are moved by tfjs on first use on the other (DataStorage.get → moveData).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setTransposeFreeProducts } from '@mlp-blocks/core';
import { loadAddon } from './addon.js';
import { guardHeap } from './heap-guard.js';
import { adamwKernel, blasKernels, denseGeluKernel, geluKernels, normKernels } from './kernels.js';

/** The tfjs backend name this package registers. */
export const BLAS_BACKEND = 'blas';
/** Below wasm (2) and cpu (1): tfjs never picks `blas` by itself; only `tf.setBackend('blas')` / `useBackend('blas')` do. */
const PRIORITY = 0;
const REPLACED = [tf.BatchMatMul, tf._FusedMatMul, tf.Sum, tf.Mean, tf.Identity, tf.Cast, tf.Slice];
const WASM_THREADS_FLAG = 'WASM_HAS_MULTITHREAD_SUPPORT';

// Copies every wasm kernel not yet registered for `blas` (the wasm package's own, and any registered for wasm
// since), replacing the ones the addon runs; registers the addon's own kernels once.
function registerKernels(): void {
  const stock: Record<string, tf.KernelConfig> = {};
  for (const name of REPLACED) {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined) throw new Error(`@mlp-blocks/backend-blas: the wasm backend's ${name} kernel is not registered`);
    stock[name] = config;
  }
  const own = [
    ...blasKernels(loadAddon, stock, BLAS_BACKEND),
    adamwKernel(loadAddon, BLAS_BACKEND),
    ...geluKernels(loadAddon, BLAS_BACKEND),
    ...normKernels(loadAddon, BLAS_BACKEND),
    denseGeluKernel(loadAddon, BLAS_BACKEND),
  ];
  for (const config of own) if (tf.getKernel(config.kernelName, BLAS_BACKEND) === undefined) tf.registerKernel(config);
  for (const config of tf.getKernelsForBackend('wasm')) {
    if (tf.getKernel(config.kernelName, BLAS_BACKEND) === undefined) tf.registerKernel({ ...config, backendName: BLAS_BACKEND });
  }
}

async function createBackend(): Promise<tf.KernelBackend> {
  const wasmFactory = tf.findBackendFactory('wasm');
  if (wasmFactory == null) throw new Error("@mlp-blocks/backend-blas: the wasm backend is not registered (import '@tensorflow/tfjs-backend-wasm')");
  registerKernels(); // kernels registered for wasm after this package was imported
  const flags = tf.env().getFlags();
  const threaded = flags[WASM_THREADS_FLAG] === true;
  if (threaded) tf.env().set(WASM_THREADS_FLAG, false);
  let pending: tf.KernelBackend | Promise<tf.KernelBackend>;
  try {
    pending = wasmFactory(); // reads the flag now, before its first await
  } finally {
    if (threaded) tf.env().set(WASM_THREADS_FLAG, true);
  }
  const backend = await pending;
  guardHeap((backend as unknown as { wasm: Parameters<typeof guardHeap>[0] }).wasm);
  return backend;
}

let registered = false;

/**
 * Registers the `blas` tfjs backend and its kernels (idempotent; importing the package does it). Afterwards
 * `await tf.setBackend('blas')` starts it; the addon must be loadable by then (see `configureBlas`).
 */
export function registerBlasBackend(): void {
  if (registered) return;
  registerKernels();
  if (tf.findBackendFactory(BLAS_BACKEND) == null) tf.registerBackend(BLAS_BACKEND, createBackend, PRIORITY);
  // core's products pass transposes to the backend only while `blas` is the active backend.
  setTransposeFreeProducts(BLAS_BACKEND);
  registered = true;
}
