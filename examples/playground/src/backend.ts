// Starts a backend through @mlp-blocks/backends' browser-safe useBackend. `auto` is the package's own: WebGPU
// unless its only adapter is a CPU rasteriser (SwiftShader: ~50× slower than wasm here), then wasm.
// The page imports the two backend packages itself (a bundle carries only what its app imports).
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError, listBackends, useBackend } from '@mlp-blocks/backends';

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

/**
 * Reads `?backend=`. An unknown value falls back to `auto` with a `notice` naming it: a typo in the address
 * should still give a page that trains, and say what it did instead.
 */
export function requestedBackend(search: string): { request: Request; notice?: string } {
  const value = new URLSearchParams(search).get('backend') ?? 'auto';
  if ((REQUESTS as readonly string[]).includes(value)) return { request: value as Request };
  return { request: 'auto', notice: `?backend=${value} is not one of ${REQUESTS.join(', ')}; using auto instead.` };
}

/** The started backend: its name, what was found (adapter, SIMD) and why it was chosen. */
export interface Started {
  name: string;
  detail: string;
  why: string;
}

/** One line saying why `name` runs: asked for by name, or what `auto` passed over first. */
export function explainChoice(request: Request, name: string, skipped: ReadonlyArray<{ name: string; reason: string }>): string {
  if (request !== 'auto') return `asked for with ?backend=${request}`;
  const passed = skipped.map((s) => `${s.name} skipped: ${s.reason}`);
  const tail = skipped.some((s) => s.name === 'webgpu') ? ' (?backend=webgpu uses it anyway)' : '';
  return passed.length ? `auto picked ${name}; ${passed.join('; ')}${tail}` : `auto picked ${name}, the fastest that started`;
}

/** Splits `auto`'s joined "name: reason; name: reason" message at the registered names. */
export function splitAutoReasons(message: string, names: readonly string[] = listBackends().map((b) => b.name)): Array<{ name: string; reason: string }> {
  const alternatives = names.join('|');
  return message
    .split(new RegExp(`;\\s(?=(?:${alternatives}): )`))
    .map((part) => {
      const at = part.indexOf(': ');
      return at > 0 && names.includes(part.slice(0, at)) ? { name: part.slice(0, at), reason: part.slice(at + 2) } : { name: 'auto', reason: part };
    });
}

// A wasm binary that never arrives can leave tfjs waiting forever; give up after this long.
const START_TIMEOUT_MS = 20_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackendUnavailableError(what, 'init-failed', `${what} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// tfjs folds the failing call's stack into its message; people need the cause, not minified frames.
const withoutStack = (reason: string) => reason.replace(/\s+at\s+\S+\s+\(.*$/s, '');

/** Starts the requested backend; rejects with a NoBackendError listing why each candidate failed. */
export async function startBackend(request: Request, wasmDir: string): Promise<Started> {
  setWasmPaths(wasmDir);
  try {
    const choice = await withTimeout(useBackend(request), request);
    return { name: choice.name, detail: choice.detail ?? '', why: explainChoice(request, choice.name, choice.skipped) };
  } catch (e) {
    if (!(e instanceof BackendUnavailableError)) throw new NoBackendError([{ name: request, reason: withoutStack(String((e as Error)?.message ?? e)) }]);
    const reasons = request === 'auto' && e.backend === 'auto' ? splitAutoReasons(e.reason) : [{ name: request, reason: e.reason }];
    // The page does not bundle tfjs's plain-JS cpu backend (too slow to train here), so its line says nothing useful.
    throw new NoBackendError(reasons.filter((r) => r.name !== 'cpu').map((r) => ({ name: r.name, reason: withoutStack(r.reason) })));
  }
}
