/**
 * A name `useBackend` accepts: `auto`, or the name of a registered provider (`cpu`, `wasm`, `webgpu`, `cuda`,
 * `tensorflow` are built in; provider packages add theirs when imported). See {@link listBackends}.
 */
export type BackendName = 'auto' | BuiltinBackend | (string & {});
/** The providers this package registers itself. */
export type BuiltinBackend = 'cpu' | 'wasm' | 'webgpu' | 'cuda' | 'tensorflow';
/** Where a provider runs: `node` (the `./node` entry) or `browser` (the browser-safe main entry). */
export type BackendPlatform = 'node' | 'browser';

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
  name: string;
  /** The name tfjs registers it under (`cuda` and `tensorflow` are both tfjs's `tensorflow`). */
  tfjsName: string;
  /** The npm package providing it. */
  packageName: string;
  usable: boolean;
  /** Version of the package providing it, when installed (or declared by the provider). */
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
  platform: BackendPlatform;
  tfjsCore: string;
  /** The tfjs backend active when the report finished (the report restores the one active before it). */
  active: string | null;
  /** What `auto` would pick here. */
  auto: string | null;
  /** Every provider registered for this platform, in rank order. */
  backends: BackendStatus[];
  /** Installed tfjs packages and their versions (Node: read from disk; browser: the loaded modules). */
  versions: Record<string, string>;
  /** A message naming every tfjs package whose version differs from tfjs-core's, or null. */
  versionMismatch: string | null;
}

/** What `useBackend` resolves to. */
export interface BackendChoice {
  name: string;
  tfjsName: string;
  detail?: string;
  /** For `auto`: the backends tried before this one and why each was passed over. */
  skipped: Array<{ name: string; reason: string }>;
}

/** Options for `useBackend`. */
export interface UseBackendOptions {
  /**
   * Threads. wasm in Node: 1 (default) runs the stock single-threaded build; more starts the threaded build from
   * real worker files. wasm in a browser: passed to the stock backend (needs cross-origin isolation). A provider
   * from another package says in its documentation what it does with them (e.g. a native library's threads).
   */
  threads?: number;
  /**
   * Let `auto` take a WebGPU adapter that is a CPU rasteriser (Mesa llvmpipe, SwiftShader). Off by default:
   * such adapters prove WebGPU works but are slower than wasm. Asking for `webgpu` by name always allows them.
   */
  allowSoftwareGpu?: boolean;
}

/** Raised by `useBackend` when the requested backend cannot start; says why and what fixes it. */
export class BackendUnavailableError extends Error {
  readonly backend: string;
  readonly kind: UnavailableKind;
  readonly reason: string;
  readonly fix: string | undefined;

  constructor(backend: string, kind: UnavailableKind, reason: string, fix?: string) {
    super(`backend "${backend}" is not usable: ${reason}${fix ? `. Fix: ${fix}` : ''}`);
    this.name = 'BackendUnavailableError';
    this.backend = backend;
    this.kind = kind;
    this.reason = reason;
    this.fix = fix;
  }
}
