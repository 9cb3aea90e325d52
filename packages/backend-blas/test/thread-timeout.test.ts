// No thread of the addon keeps spinning long after a product: the pool's workers (which run the products) spin
// about 100 µs and then sleep, and where the products run on OpenBLAS's own threads (MLP_BLOCKS_BLAS_PRODUCTS=
// openblas) those sleep after 2^18 cycles (OPENBLAS_THREAD_TIMEOUT 18, set around the addon's load) instead of
// OpenBLAS's ~0.1 s; a value the user set is kept. In child processes, since OpenBLAS reads the variable once,
// when it is loaded; against the built package. Linux only (/proc).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = join(dirname(fileURLToPath(import.meta.url)), 'thread-timeout-child.mjs');

async function probe(extra: Record<string, string>) {
  const { OPENBLAS_THREAD_TIMEOUT: _, MLP_BLOCKS_BLAS_PRODUCTS: __, ...env } = process.env;
  const { stdout } = await run(process.execPath, [child], { timeout: 60_000, env: { ...env, ...extra } });
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    threads: number; product: number; spunWithin20ms: boolean; asleepBy60ms: boolean; asleep: boolean; env: string | null;
  };
}

describe.runIf(process.platform === 'linux')('threads after a product', () => {
  it("the pool's workers run the product and are asleep within 60 ms; the variable set for the load is taken back", async () => {
    const out = await probe({});
    expect(out.product).toBe(512);
    expect(out.threads).toBeGreaterThanOrEqual(1);
    expect(out.asleepBy60ms).toBe(true);
    expect(out.env).toBeNull();
  });

  it("on OpenBLAS's own threads, they sleep within 60 ms (2^18 cycles; OpenBLAS's own 2^28 would still spin)", async () => {
    const out = await probe({ MLP_BLOCKS_BLAS_PRODUCTS: 'openblas' });
    expect(out.product).toBe(512);
    expect(out.asleepBy60ms).toBe(true);
  });

  it("keep the user's OPENBLAS_THREAD_TIMEOUT: 28 (OpenBLAS's default, about 0.1 s) still spins right after", async () => {
    const out = await probe({ MLP_BLOCKS_BLAS_PRODUCTS: 'openblas', OPENBLAS_THREAD_TIMEOUT: '28' });
    expect(out.product).toBe(512);
    expect(out.env).toBe('28');
    expect(out.spunWithin20ms).toBe(true);
    expect(out.asleepBy60ms).toBe(false);
    expect(out.asleep).toBe(true); // and sleeps once its 2^28 cycles are over
  });
});
