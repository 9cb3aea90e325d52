// `blas`: the stock wasm backend with @mlp-blocks/backend-blas's OpenBLAS kernels switched on. The package is
// optional and native; it is looked up from this package and, failing that, from the application's folder
// (pnpm does not link an undeclared package next to this one).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { Provider } from './engine.js';
import { loadOptional } from './load-package.js';
import { BackendUnavailableError } from './types.js';

/** What core needs of @mlp-blocks/backend-blas. */
interface BlasPackage {
  enableBlasProducts(options: { threads?: number }): { config: string; core: string; threads: number };
  disableBlasProducts(): void;
}

const BLAS_PACKAGE = '@mlp-blocks/backend-blas';
let loaded: BlasPackage | undefined;

async function loadBlas(): Promise<BlasPackage> {
  try {
    return await loadOptional<BlasPackage>('blas', BLAS_PACKAGE, 'latest');
  } catch (e) {
    if (!(e instanceof BackendUnavailableError) || e.kind !== 'not-installed') throw e;
    let path: string;
    try {
      path = createRequire(join(process.cwd(), 'package.json')).resolve(BLAS_PACKAGE);
    } catch {
      throw e;
    }
    return (await import(pathToFileURL(path).href)) as BlasPackage;
  }
}

/** Puts the stock wasm kernels back if `blas` switched them (called before plain wasm starts). */
export function releaseBlas(): void {
  loaded?.disableBlasProducts();
}

/** The `blas` provider; `prepareWasm` brings up the stock wasm backend it builds on. */
export function blasProvider(prepareWasm: () => Promise<unknown>): Provider {
  return {
    name: 'blas',
    tfjsName: 'wasm',
    packageName: BLAS_PACKAGE,
    prepare: async (options) => {
      await prepareWasm();
      const blas = await loadBlas();
      let info: { core: string; threads: number };
      try {
        info = blas.enableBlasProducts(options.threads === undefined ? {} : { threads: options.threads });
      } catch (e) {
        const err = e as { name?: string; reason?: string; fix?: string; message?: string };
        if (err.name !== 'BlasUnavailableError') throw e;
        throw new BackendUnavailableError('blas', 'no-binding', err.reason ?? String(err.message), err.fix);
      }
      loaded = blas;
      return { detail: `wasm with OpenBLAS products (${info.core} kernels, ${info.threads} thread(s))` };
    },
    verify: async () => {
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return `wasm SIMD ${simd ? 'on' : 'off'}`;
    },
  };
}
