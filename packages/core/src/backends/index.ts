// Backend selection that is safe in a browser bundle: no Node modules, no backend imported on our own.
// Node programs should import '@mlp-blocks/core/backends/node' instead (it loads backends by itself).
import { backendReportOn, formatBackendReport, useBackendOn } from './engine.js';
import { browserPlatform } from './browser.js';
import type { BackendChoice, BackendName, BackendReport, UseBackendOptions } from './types.js';

export * from './types.js';
export { formatBackendReport };
export { mismatchMessage, TFJS_PACKAGES } from './versions.js';

/**
 * Makes tfjs run on `name` and resolves when it does; rejects with a {@link BackendUnavailableError} saying why
 * it cannot and what fixes it. `auto` takes the first usable of cuda → webgpu → wasm → cpu. In a browser, import
 * the backend packages you want (`import '@tensorflow/tfjs-backend-webgpu'`) before calling this.
 */
export function useBackend(name: BackendName = 'auto', options: UseBackendOptions = {}): Promise<BackendChoice> {
  return useBackendOn(browserPlatform(), name, options);
}

/** For every backend: usable here or not, and why not. Restores the backend active before the call. */
export function backendReport(options: UseBackendOptions = {}): Promise<BackendReport> {
  return backendReportOn(browserPlatform(), options);
}
