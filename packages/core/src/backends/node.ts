// Backend selection for Node: loads the backend packages itself (all optional), runs wasm multithreaded on
// request, WebGPU through Dawn, and native TensorFlow (CPU or CUDA) through tfjs-node(-gpu).
import * as tf from '@tensorflow/tfjs-core';
import { blasProvider, releaseBlas } from './blas.js';
import { browserPlatform } from './browser.js';
import { ensureNavigatorGpu } from './dawn.js';
import { backendReportOn, formatBackendReport, type Platform, useBackendOn } from './engine.js';
import { loadOptional } from './load-package.js';
import { cudaProvider, tensorflowProvider } from './native.js';
import { installedTfjsVersions } from './node-versions.js';
import type { BackendChoice, BackendName, BackendReport, UseBackendOptions } from './types.js';
import { BackendUnavailableError } from './types.js';
import { startThreadedWasm, wasmThreadsInUse } from './wasm-threads.js';

export * from './types.js';
export { formatBackendReport };
export { mismatchMessage, TFJS_PACKAGES } from './versions.js';
export { type CudaEnvironment, diagnoseCuda, REQUIRED_CUDA_LIBRARIES } from './cuda-diagnosis.js';
export { probeCudaEnvironment } from './native.js';
export { installedTfjsVersions } from './node-versions.js';
export { wasmThreadsInUse } from './wasm-threads.js';

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

function nodePlatform(): Platform {
  const universal = browserPlatform().providers;
  return {
    kind: 'node',
    versions: async () => installedTfjsVersions(),
    providers: {
      cpu: {
        ...universal.cpu,
        prepare: async () => {
          await loadOptional('cpu', '@tensorflow/tfjs-backend-cpu');
          return {};
        },
      },
      wasm: {
        ...universal.wasm,
        prepare: async (options) => {
          releaseBlas();
          await prepareWasm(options);
          return {};
        },
        verify: async () => {
          const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
          return `SIMD ${simd ? 'on' : 'off'}, ${wasmThreadsInUse() ?? 1} thread(s)`;
        },
      },
      webgpu: {
        ...universal.webgpu,
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
      },
      cuda: cudaProvider(),
      tensorflow: tensorflowProvider(),
      // OpenBLAS threads come from `threads`; the wasm part it builds on stays single-threaded.
      blas: blasProvider(() => prepareWasm({})),
    },
  };
}

/**
 * Makes tfjs run on `name` and resolves when it does; rejects with a {@link BackendUnavailableError} saying why
 * it cannot and what fixes it. `auto` takes the first usable of cuda → webgpu → wasm → cpu. Backend packages are
 * optional dependencies, loaded here on demand. `threads > 1` starts multithreaded wasm. `blas` (by name only)
 * runs wasm with `@mlp-blocks/backend-blas`'s OpenBLAS kernels; `useBackend('wasm')` switches them off again.
 */
export function useBackend(name: BackendName = 'auto', options: UseBackendOptions = {}): Promise<BackendChoice> {
  return useBackendOn(nodePlatform(), name, options);
}

/** For every backend: usable here or not, and why not. Restores the backend active before the call. */
export function backendReport(options: UseBackendOptions = {}): Promise<BackendReport> {
  return backendReportOn(nodePlatform(), options);
}
