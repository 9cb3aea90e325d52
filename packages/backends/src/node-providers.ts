// The Node providers: they load backend packages themselves (all optional peers), run wasm multithreaded on
// request, WebGPU through Dawn, and native TensorFlow (CPU or CUDA) through tfjs-node(-gpu).
import * as tf from '@tensorflow/tfjs-core';
import { browserProviders, RANKS } from './browser.js';
import { ensureNavigatorGpu } from './dawn.js';
import type { Platform } from './engine.js';
import { loadOptional } from './load-package.js';
import { cudaProvider, tensorflowProvider } from './native.js';
import { installedTfjsVersions } from './node-versions.js';
import type { BackendProvider } from './registry.js';
import { BackendUnavailableError, type UseBackendOptions } from './types.js';
import { startThreadedWasm, wasmThreadsInUse } from './wasm-threads.js';

interface WebGpuPackage {
  WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend;
}

// Loads stock wasm; with threads > 1 (and wasm not yet started) the threaded build.
async function prepareWasm(options: UseBackendOptions): Promise<void> {
  const wanted = options.threads ?? 1;
  const running = wasmThreadsInUse();
  if (running !== undefined && running !== wanted && options.threads !== undefined) {
    throw new BackendUnavailableError(
      'wasm',
      'init-failed',
      `wasm already runs with ${running} thread(s) in this process; the thread count is fixed when it first starts`,
      `choose threads before the first use of wasm (asked for ${wanted})`,
    );
  }
  await loadOptional('wasm', '@tensorflow/tfjs-backend-wasm');
  if (running === undefined && wanted > 1) await startThreadedWasm(wanted);
}

/** The Node providers of the built-in backends. */
export function nodeProviders(): BackendProvider[] {
  const universal = Object.fromEntries(browserProviders().map((p) => [p.name, p])) as Record<string, BackendProvider>;
  const node = (p: BackendProvider): BackendProvider => ({ ...p, platforms: ['node'] });
  return [
    node({
      ...universal['cpu']!,
      prepare: async () => {
        await loadOptional('cpu', '@tensorflow/tfjs-backend-cpu');
        return {};
      },
    }),
    node({
      ...universal['wasm']!,
      prepare: async (options) => {
        await prepareWasm(options);
        return {};
      },
      verify: async () => {
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        return `SIMD ${simd ? 'on' : 'off'}, ${wasmThreadsInUse() ?? 1} thread(s)`;
      },
    }),
    node({
      ...universal['webgpu']!,
      description: "tfjs's WebGPU kernels (in Node through Dawn, the webgpu package)",
      prepare: async () => {
        const { detail, software } = await ensureNavigatorGpu();
        const webgpu = await loadOptional<WebGpuPackage>('webgpu', '@tensorflow/tfjs-backend-webgpu');
        // The package registers itself only if navigator.gpu existed when it was first imported.
        if (tf.findBackendFactory('webgpu') == null) {
          tf.registerBackend('webgpu', async () => {
            const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<{ requestDevice(): Promise<unknown>; info?: unknown }> } } }).navigator.gpu;
            const adapter = await gpu.requestAdapter();
            return new webgpu.WebGPUBackend(await adapter.requestDevice(), adapter.info);
          }, 3);
        }
        return { detail, software };
      },
    }),
    { ...cudaProvider(), rank: RANKS.cuda, auto: true },
    { ...tensorflowProvider(), rank: RANKS.tensorflow, auto: true },
  ];
}

/** Node's platform facts: the tfjs packages installed beside this package. */
export function nodePlatform(): Platform {
  return { kind: 'node', versions: async () => installedTfjsVersions() };
}
