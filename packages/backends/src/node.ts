// Backend selection for Node: loads backend packages itself (all optional), runs wasm multithreaded on
// request, WebGPU through Dawn, and native TensorFlow (CPU or CUDA) through tfjs-node(-gpu). Provider packages
// add their backends to the same registry when imported.
import './register/node.js';
import { backendReportOn, formatBackendReport, useBackendOn } from './engine.js';
import { nodePlatform } from './node-providers.js';
import type { BackendChoice, BackendName, BackendReport, UseBackendOptions } from './types.js';

export * from './types.js';
export { ConfigError } from './errors.js';
export { type BackendInfo, type BackendProvider, listBackends, type PreparedBackend, registerBackendProvider } from './registry.js';
export { RANKS } from './browser.js';
export { formatBackendReport };
export { mismatchMessage, TFJS_PACKAGES } from './versions.js';
export { type CudaEnvironment, diagnoseCuda, REQUIRED_CUDA_LIBRARIES } from './cuda-diagnosis.js';
export { probeCudaEnvironment } from './native.js';
export { installedTfjsVersions } from './node-versions.js';
export { wasmThreadsInUse } from './wasm-threads.js';

/**
 * Makes tfjs run on `name` and resolves when it does; rejects with a {@link BackendUnavailableError} saying why
 * it cannot and what fixes it, or a {@link ConfigError} for a name no provider registered. `auto` takes the first
 * usable of the registered backends that allow it, fastest first: cuda → webgpu (hardware adapters) → tensorflow →
 * blas (when @mlp-blocks/backend-blas is imported) → wasm → cpu. Backend packages are optional peers, loaded
 * here on demand. `threads > 1` starts multithreaded wasm.
 */
export function useBackend(name: BackendName = 'auto', options: UseBackendOptions = {}): Promise<BackendChoice> {
  return useBackendOn(nodePlatform(), name, options);
}

/** For every registered backend: usable here or not, and why not. Restores the backend active before the call. */
export function backendReport(options: UseBackendOptions = {}): Promise<BackendReport> {
  return backendReportOn(nodePlatform(), options);
}
