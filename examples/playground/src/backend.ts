// Starts WebGPU when the browser gives an adapter, wasm otherwise, through @mlp-blocks/backends' browser-safe useBackend.
// The page imports the two backend packages itself (a bundle carries only what its app imports).
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError, useBackend } from '@mlp-blocks/backends';

/** What the page may ask for: `?backend=` in the address. */
export const REQUESTS = ['auto', 'webgpu', 'wasm'] as const;
/** A backend request. */
export type Request = (typeof REQUESTS)[number];

/** Neither backend could start: `reasons` says why for each one tried. */
export class NoBackendError extends Error {
  constructor(readonly reasons: Array<{ name: string; reason: string }>) {
    super(`No backend could start: ${reasons.map((r) => `${r.name}: ${r.reason}`).join('; ')}`);
    this.name = 'NoBackendError';
  }
}

/** Reads `?backend=`; an unknown value is an error naming it, never a silent fallback. */
export function requestedBackend(search: string): Request {
  const value = new URLSearchParams(search).get('backend') ?? 'auto';
  if (!(REQUESTS as readonly string[]).includes(value)) {
    throw new NoBackendError([{ name: value, reason: `?backend=${value} is not one of ${REQUESTS.join(', ')}` }]);
  }
  return value as Request;
}

// A wasm binary that never arrives can leave tfjs waiting forever; give up after this long.
const START_TIMEOUT_MS = 20_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackendUnavailableError('wasm', 'init-failed', `${what} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts the requested backend (`auto`: WebGPU, software adapters included, then wasm) and resolves to its
 * name and what was found; rejects with a NoBackendError listing why each candidate failed.
 */
export async function startBackend(request: Request, wasmDir: string): Promise<{ name: string; detail: string }> {
  setWasmPaths(wasmDir);
  const reasons: Array<{ name: string; reason: string }> = [];
  for (const name of request === 'auto' ? (['webgpu', 'wasm'] as const) : [request]) {
    try {
      const choice = await withTimeout(useBackend(name, { allowSoftwareGpu: true }), name);
      return { name: choice.name, detail: choice.detail ?? '' };
    } catch (e) {
      const reason = e instanceof BackendUnavailableError ? e.reason : String((e as Error)?.message ?? e);
      // tfjs folds the failing call's stack into its message; people need the cause, not minified frames.
      reasons.push({ name, reason: reason.replace(/\s+at\s+\S+\s+\(.*$/s, '') });
    }
  }
  throw new NoBackendError(reasons);
}
