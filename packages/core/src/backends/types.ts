/**
 * Every name `useBackend` accepts. `auto` picks the first usable of {@link AUTO_ORDER}. `blas` is tfjs's wasm
 * backend with its matrix products, leading-axis reductions and AdamW update on OpenBLAS through the native
 * addon of `@mlp-blocks/backend-blas` (Node only, opt-in by name).
 */
export const BACKEND_NAMES = ['auto', 'wasm', 'cpu', 'webgpu', 'cuda', 'tensorflow', 'blas'] as const;
/** A name accepted by `useBackend`. */
export type BackendName = (typeof BACKEND_NAMES)[number];
/** A backend the report describes (everything but `auto`). */
export type ConcreteBackend = Exclude<BackendName, 'auto'>;
/**
 * The order `auto` tries: the fastest that can start here wins. `blas` is left out: it replaces kernels of the
 * wasm backend process-wide and needs a compiled addon, so it is chosen by name.
 */
export const AUTO_ORDER: readonly ConcreteBackend[] = ['cuda', 'webgpu', 'wasm', 'cpu'];
/** Report order: `auto`'s order with the CPU build of TensorFlow after cuda and `blas` before wasm. */
export const REPORT_ORDER: readonly ConcreteBackend[] = ['cuda', 'tensorflow', 'webgpu', 'blas', 'wasm', 'cpu'];

/** Why a backend is not usable, as a category a program can branch on. */
export type UnavailableKind =
  | 'not-installed' // the npm package is missing
  | 'no-binding' // the package is there but its native part is not
  | 'no-adapter' // no GPU adapter / device
  | 'no-gpu' // native TensorFlow loaded but runs on the CPU (CUDA mismatch)
  | 'version-mismatch' // tfjs packages of different versions in one process
  | 'unsupported-platform' // e.g. CUDA in a browser
  | 'software-only' // only a CPU-emulated GPU adapter (llvmpipe, SwiftShader): `auto` passes it over
  | 'init-failed'; // tfjs could not initialise it for another reason

/** One backend's line in the report. */
export interface BackendStatus {
  name: ConcreteBackend;
  /** The name tfjs registers it under (`cuda` and `tensorflow` are both tfjs's `tensorflow`). */
  tfjsName: string;
  usable: boolean;
  /** Version of the package providing it, when installed. */
  version?: string;
  /** What was found: adapter, thread count, SIMD, … */
  detail?: string;
  kind?: UnavailableKind;
  /** A WebGPU adapter emulated on the CPU: usable by name, but `auto` passes it over. */
  software?: boolean;
  /** Why it is not usable. */
  reason?: string;
  /** The command or step that fixes it. */
  fix?: string;
}

/** What `backendReport()` returns. */
export interface BackendReport {
  platform: 'node' | 'browser';
  tfjsCore: string;
  /** The tfjs backend active when the report finished (the report restores the one active before it). */
  active: string | null;
  /** What `auto` would pick here. */
  auto: ConcreteBackend | null;
  backends: BackendStatus[];
  /** Installed tfjs packages and their versions (Node: read from disk; browser: the loaded modules). */
  versions: Record<string, string>;
  /** A message naming every tfjs package whose version differs from tfjs-core's, or null. */
  versionMismatch: string | null;
}

/** What `useBackend` resolves to. */
export interface BackendChoice {
  name: ConcreteBackend;
  tfjsName: string;
  detail?: string;
  /** For `auto`: the backends tried before this one and why each was passed over. */
  skipped: Array<{ name: ConcreteBackend; reason: string }>;
}

/** Options for `useBackend`. */
export interface UseBackendOptions {
  /**
   * wasm threads. Node: 1 (default) runs the stock single-threaded build; more starts the threaded build from
   * real worker files. Browser: passed to the stock backend (needs cross-origin isolation). For `blas`: the
   * OpenBLAS threads (default: one per core); its wasm part stays single-threaded.
   */
  threads?: number;
  /**
   * Let `auto` take a WebGPU adapter that is a CPU rasteriser (Mesa llvmpipe, SwiftShader). Off by default:
   * such adapters prove WebGPU works but are slower than wasm. Asking for `webgpu` by name always allows them.
   */
  allowSoftwareGpu?: boolean;
  /** Browser wasm: where the `.wasm` files are served (tfjs `setWasmPaths`). Node finds them itself. */
  wasmPaths?: string;
}

/** Raised by `useBackend` when the requested backend cannot start; says why and what fixes it. */
export class BackendUnavailableError extends Error {
  readonly backend: BackendName;
  readonly kind: UnavailableKind;
  readonly reason: string;
  readonly fix: string | undefined;

  constructor(backend: BackendName, kind: UnavailableKind, reason: string, fix?: string) {
    super(`backend "${backend}" is not usable: ${reason}${fix ? `. Fix: ${fix}` : ''}`);
    this.name = 'BackendUnavailableError';
    this.backend = backend;
    this.kind = kind;
    this.reason = reason;
    this.fix = fix;
  }
}
