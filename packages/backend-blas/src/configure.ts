import { PREBUILT_ADDON_PATH, loadAddon, loadedAddonPath } from './addon.js';

/** Options of {@link configureBlas}. */
export interface BlasOptions {
  /** Threads for the products and the addon's loops (default: OpenBLAS's own choice, one per core or OPENBLAS_NUM_THREADS). */
  threads?: number;
}

/** What runs the products. */
export interface BlasInfo {
  /** OpenBLAS's build line, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell MAX_THREADS=64". */
  config: string;
  /** The CPU kernel set OpenBLAS chose. */
  core: string;
  threads: number;
  /** The addon file in use: the prebuilt one the package ships, or the one compiled at install. */
  addon: string;
  /** Whether that is the prebuilt addon (OpenBLAS linked in) rather than a source build. */
  prebuilt: boolean;
}

/**
 * Loads the addon and sets its thread count (products and loops); returns what runs the products. `useBackend('blas', { threads })`
 * calls it; without `@mlp-blocks/backends`, call it and then `await tf.setBackend('blas')`. Throws
 * `BlasUnavailableError` (naming the file and the fix) when the addon was not built.
 */
export function configureBlas(options: BlasOptions = {}): BlasInfo {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`configureBlas: threads must be a positive integer, received ${String(options.threads)}`);
  }
  const addon = loadAddon();
  if (options.threads !== undefined) addon.setThreads(options.threads);
  const path = loadedAddonPath() ?? '';
  return { ...addon.describe(), addon: path, prebuilt: path === PREBUILT_ADDON_PATH };
}
