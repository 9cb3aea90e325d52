// Multithreaded wasm in Node. The stock backend gives Emscripten its pthread worker and main script as Blob
// URLs, which Node's Worker cannot load, and it refuses threads in Node outright (WASM_HAS_MULTITHREAD_SUPPORT
// is false there). The package ships the worker's source and the matching Emscripten glue under wasm-out/, so
// we write the worker to a real file, answer the backend's createObjectURL calls with real paths while it
// starts, and let it see enough cores (it allows at most os.cpus()/2 threads). Results are bit-identical to the
// single-threaded build (tested).
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from './types.js';

interface WasmInternals {
  wasm?: {
    tfjs?: { getThreadsCount?: () => number };
    PThread?: { unusedWorkers?: Array<{ unref?: () => void }>; runningWorkers?: Array<{ unref?: () => void }> };
  };
}

/** Threads the running wasm backend actually uses, or undefined when wasm is not started. */
export function wasmThreadsInUse(): number | undefined {
  const backend = tf.engine().registry['wasm'] as WasmInternals | undefined;
  return backend?.wasm?.tfjs?.getThreadsCount?.();
}

// Workers keep the event loop alive; a library must not stop its host process from exiting.
function unrefWorkers(): void {
  const pthreads = (tf.engine().registry['wasm'] as WasmInternals | undefined)?.wasm?.PThread;
  for (const w of [...(pthreads?.unusedWorkers ?? []), ...(pthreads?.runningWorkers ?? [])]) w.unref?.();
}

function workerFile(wasmDir: string, version: string): { worker: string; glue: string } {
  const glue = join(wasmDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const workerModule = join(wasmDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js');
  if (!existsSync(glue) || !existsSync(workerModule)) {
    throw new BackendUnavailableError(
      'wasm',
      'init-failed',
      `threaded wasm needs ${glue} and ${workerModule}, which this @tensorflow/tfjs-backend-wasm does not ship`,
      'use threads: 1',
    );
  }
  const require = createRequire(import.meta.url);
  const { wasmWorkerContents } = require(workerModule) as { wasmWorkerContents: string };
  // The worker evaluates the main script with importScripts(URL.createObjectURL(blob)): point it at the glue.
  // The contents hold literal newlines inside string literals; escape them as the backend itself does.
  const source =
    `URL.createObjectURL = () => ${JSON.stringify(glue)}; URL.revokeObjectURL = () => {};\n` +
    wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const worker = join(os.tmpdir(), `mlp-blocks-wasm-worker-${version}-${hash}.cjs`);
  if (!existsSync(worker)) {
    const temp = `${worker}.${process.pid}.tmp`;
    writeFileSync(temp, source);
    renameSync(temp, worker); // atomic: a concurrent process sees either nothing or the whole file
  }
  return { worker, glue };
}

/** Starts the wasm backend with `threads` threads (Node only). No-op when it already runs with that many. */
export async function startThreadedWasm(threads: number): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wasmPackage = (await import('@tensorflow/tfjs-backend-wasm')) as { setThreadsCount(n: number): void; version_wasm: string };
  const { worker } = workerFile(wasmDir, wasmPackage.version_wasm);

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmPackage.setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (obj: Blob | MediaSource) =>
    obj instanceof Blob && obj.type === 'application/javascript' ? worker : createObjectURL(obj as Blob);
  const real = cpus();
  os.cpus = () => Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]!);
  try {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new BackendUnavailableError('wasm', 'init-failed', `threaded wasm did not start with ${threads} threads`, 'use threads: 1');
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  unrefWorkers();
}
