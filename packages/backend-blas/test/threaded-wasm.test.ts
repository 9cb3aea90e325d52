// `blas` in a process whose `wasm` runs multithreaded: blas takes the single-threaded wasm build for its own
// instance (its products have OpenBLAS's threads), and wasm keeps its threads. In a child process, since the
// wasm thread count is fixed when it first starts; against the built package.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = join(dirname(fileURLToPath(import.meta.url)), 'threaded-wasm-child.mjs');

describe('blas beside threaded wasm', () => {
  it('starts single-threaded next to a 2-thread wasm, both compute, and the process exits by itself', async () => {
    // a 60 s timeout: a process kept alive by pthread workers would hang here and fail the test
    const { stdout } = await run(process.execPath, [child], { timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out).toEqual({
      wasm: { threads: 2, product: [11] },
      blas: { backend: 'blas', threads: 1, product: [11] },
      wasmAgain: { threads: 2, product: [11] },
    });
  });
});
