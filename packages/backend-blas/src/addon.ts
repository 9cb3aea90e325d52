// Loads the compiled OpenBLAS addon. It is built when the package installs (scripts/build-addon.mjs); when
// the build failed (no compiler, no OpenBLAS headers) loading says so and names the fix.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the native addon exports. */
export interface BlasAddon {
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    aBatched: boolean,
    bBatched: boolean,
    bias: Float32Array | null,
    relu: boolean,
  ): void;
  adamw(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    paramOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    scalars: number[],
  ): void;
  reduceRows(x: Float32Array, out: Float32Array, rows: number, cols: number, mean: boolean): void;
  gelu(x: Float32Array, out: Float32Array): void;
  geluGrad(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  setThreads(threads: number): void;
  describe(): { config: string; core: string; threads: number };
}

/** The addon could not be loaded: `reason` says why and `fix` what to run. */
export class BlasUnavailableError extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`@mlp-blocks/backend-blas: ${reason} (fix: ${fix})`);
    this.name = 'BlasUnavailableError';
  }
}

/** Where the build puts the addon: build/Release/blas.node beside dist/. */
export const ADDON_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'Release', 'blas.node');

const FIX = 'install a C compiler and OpenBLAS (Debian: apt-get install g++ libopenblas-dev), then npm rebuild @mlp-blocks/backend-blas';

let loaded: BlasAddon | undefined;

/** The addon, loaded once; throws {@link BlasUnavailableError} when it is missing or does not load. */
export function loadAddon(path = ADDON_PATH): BlasAddon {
  if (loaded && path === ADDON_PATH) return loaded;
  if (!existsSync(path)) throw new BlasUnavailableError(`the native addon ${path} was not built`, FIX);
  let addon: BlasAddon;
  try {
    addon = createRequire(import.meta.url)(path) as BlasAddon;
  } catch (e) {
    throw new BlasUnavailableError(`the native addon ${path} failed to load: ${(e as Error).message.split('\n')[0]}`, FIX);
  }
  if (path === ADDON_PATH) loaded = addon;
  return addon;
}
