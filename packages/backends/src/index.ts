// Backend selection that is safe in a browser bundle: no Node modules, no backend imported on our own.
// Node programs should import '@mlp-blocks/backends/node' instead (it loads backends by itself).
import './register/browser.js';
import { browserPlatform } from './browser.js';
import { backendReportOn, formatBackendReport, useBackendOn } from './engine.js';
import type { BackendChoice, BackendName, BackendReport, UseBackendOptions } from './types.js';

export * from './types.js';
export { ConfigError } from './errors.js';
export { type BackendInfo, type BackendProvider, listBackends, type PreparedBackend, registerBackendProvider } from './registry.js';
export { RANKS } from './browser.js';
export { formatBackendReport };
export { mismatchMessage, TFJS_PACKAGES } from './versions.js';

/**
 * Makes tfjs run on `name` and resolves when it does; rejects with a {@link BackendUnavailableError} saying why
 * it cannot and what fixes it, or a {@link ConfigError} for a name no provider registered. `auto` takes the first
 * usable of the registered backends that allow it, fastest first (webgpu → wasm → cpu here). In a browser, import
 * the backend packages you want (`import '@tensorflow/tfjs-backend-webgpu'`) before calling this.
 */
export function useBackend(name: BackendName = 'auto', options: UseBackendOptions = {}): Promise<BackendChoice> {
  return useBackendOn(browserPlatform(), name, options);
}

/** For every registered backend: usable here or not, and why not. Restores the backend active before the call. */
export function backendReport(options: UseBackendOptions = {}): Promise<BackendReport> {
  return backendReportOn(browserPlatform(), options);
}
