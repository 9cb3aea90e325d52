// Registration module (the package's only side effect): the `blas` tfjs backend and its kernels, and the `blas`
// provider in @mlp-blocks/backends' registry, so that useBackend('blas'), backendReport() and auto know it.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { setTransposeFreeProducts } from '@mlp-blocks/core';
import { BackendUnavailableError, RANKS, registerBackendProvider } from '@mlp-blocks/backends/node';
import { BlasUnavailableError } from './addon.js';
import { BLAS_BACKEND, registerBlasBackend } from './backend.js';
import { configureBlas } from './configure.js';

const manifest = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

registerBlasBackend();
registerBackendProvider({
  name: BLAS_BACKEND,
  tfjsName: BLAS_BACKEND,
  packageName: manifest.name,
  version: manifest.version,
  tfjsPackages: ['@tensorflow/tfjs-backend-wasm'],
  platforms: ['node'],
  // Before wasm: the same kernels with products, reductions, AdamW and GELU 4–6× faster (see the README).
  rank: RANKS.wasm - 100,
  auto: true,
  description: "tfjs's wasm kernels with matrix products, leading-axis reductions, AdamW and GELU on OpenBLAS (native addon)",
  prepare: async (options) => {
    let info: { core: string; threads: number; prebuilt: boolean };
    try {
      info = configureBlas(options.threads === undefined ? {} : { threads: options.threads });
    } catch (e) {
      if (!(e instanceof BlasUnavailableError)) throw e;
      throw new BackendUnavailableError(BLAS_BACKEND, 'no-binding', e.reason, e.fix);
    }
    setTransposeFreeProducts(BLAS_BACKEND);
    return { detail: `wasm kernels with OpenBLAS products (${info.core} kernels, ${info.threads} thread(s)${info.prebuilt ? ', prebuilt' : ''})` };
  },
  verify: async () => {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return `wasm SIMD ${simd ? 'on' : 'off'}`;
  },
});
