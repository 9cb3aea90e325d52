// Loads the compiled OpenBLAS addon. It is built when the package installs (scripts/build-addon.mjs); when
// the build failed (no compiler, no OpenBLAS headers) loading says so and names the fix.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the native addon exports. */
/** A normalisation's gradient over `rows` rows of `c` channels, from the forward pass's mean and 1/σ. */
type NormGrad = (
  x: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  dy: Float32Array,
  gamma: Float32Array | null,
  dx: Float32Array,
  dgamma: Float32Array | null,
  dbeta: Float32Array | null,
  rows: number,
  c: number,
) => void;

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
    /** 0 none, 1 ReLU, 2 GELU (core's exact-erf GELU kernel); a boolean means ReLU or none. */
    activation: number | boolean,
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
  layerNorm(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    rows: number,
    c: number,
    epsilon: number,
  ): void;
  layerNormGrad: NormGrad;
  batchNorm(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    rstd: Float32Array,
    rows: number,
    c: number,
    epsilon: number,
  ): void;
  batchNormGrad: NormGrad;
  batchNormInference(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    y: Float32Array,
    rows: number,
    c: number,
    epsilon: number,
  ): void;
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

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the install-time source build puts the addon: build/Release/blas.node beside dist/. */
export const ADDON_PATH = join(PACKAGE_ROOT, 'build', 'Release', 'blas.node');

/** The prebuilt addon the packed package carries for this platform (only linux-x64 has one). */
export const PREBUILT_ADDON_PATH = join(PACKAGE_ROOT, 'prebuilds', `${process.platform}-${process.arch}`, 'blas.node');

const FIX =
  'on Linux x64 (glibc >= 2.34) reinstall the package, which ships a prebuilt addon; elsewhere install a C compiler and ' +
  'OpenBLAS (Debian: apt-get install g++ libopenblas-dev), then npm rebuild @mlp-blocks/backend-blas';

let loaded: { addon: BlasAddon; path: string } | undefined;

/*
 * OpenBLAS's worker threads spin for 2^OPENBLAS_THREAD_TIMEOUT cycles after each product before they sleep; its
 * default, 2^28 (about 0.1 s), keeps a worker spinning through every non-product kernel of a step, where it takes
 * the second core from the addon's own loop threads (AdamW, norms, GELU ran no faster on two threads than on one,
 * measured in a training step; docs/PERFORMANCE.md). 2^18 cycles (tens of microseconds) still covers the gap
 * between back-to-back products. OpenBLAS reads the variable once, when it is loaded, so it is set around the
 * load only and a value the user set wins.
 */
const OPENBLAS_THREAD_TIMEOUT = '18';

function load(path: string): BlasAddon {
  const ownTimeout = process.env['OPENBLAS_THREAD_TIMEOUT'] === undefined;
  if (ownTimeout) process.env['OPENBLAS_THREAD_TIMEOUT'] = OPENBLAS_THREAD_TIMEOUT;
  try {
    return createRequire(import.meta.url)(path) as BlasAddon;
  } catch (e) {
    throw new BlasUnavailableError(`the native addon ${path} failed to load: ${(e as Error).message.split('\n')[0]}`, FIX);
  } finally {
    if (ownTimeout) delete process.env['OPENBLAS_THREAD_TIMEOUT'];
  }
}

/**
 * The addon, loaded once: a source build (build/Release) when there is one, as node-gyp-build does, else the
 * prebuilt one. With `path`, that file only. Throws {@link BlasUnavailableError} when none exists or loads.
 */
export function loadAddon(path?: string): BlasAddon {
  if (path !== undefined) {
    if (!existsSync(path)) throw new BlasUnavailableError(`the native addon ${path} was not built`, FIX);
    return load(path);
  }
  if (loaded) return loaded.addon;
  const present = [ADDON_PATH, PREBUILT_ADDON_PATH].filter((p) => existsSync(p));
  if (present.length === 0) {
    throw new BlasUnavailableError(
      `no native addon: neither ${ADDON_PATH} (compiled at install) nor ${PREBUILT_ADDON_PATH} (prebuilt) exists`,
      FIX,
    );
  }
  let first: unknown;
  for (const p of present) {
    try {
      loaded = { addon: load(p), path: p };
      return loaded.addon;
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

/** The file {@link loadAddon} loaded (undefined before the first load). */
export function loadedAddonPath(): string | undefined {
  return loaded?.path;
}
