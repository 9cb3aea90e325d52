// OpenBLAS's workers stop spinning soon after a product (OPENBLAS_THREAD_TIMEOUT 18, set around the addon's load),
// so they leave the second core to the addon's loop threads; a value the user set is kept. In child processes,
// since OpenBLAS reads the variable once, when it is loaded; against the built package. Linux only (/proc).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = join(dirname(fileURLToPath(import.meta.url)), 'thread-timeout-child.mjs');

async function probe(env: NodeJS.ProcessEnv) {
  const { stdout } = await run(process.execPath, [child], { timeout: 60_000, env });
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    threads: number; product: number; spunWithin20ms: boolean; asleepBy60ms: boolean; asleep: boolean; env: string | null;
  };
}

describe.runIf(process.platform === 'linux')("OpenBLAS's worker threads after a product", () => {
  it('sleep by default, and the variable set for the load is taken back afterwards', async () => {
    const { OPENBLAS_THREAD_TIMEOUT: _, ...env } = process.env;
    const out = await probe(env);
    expect(out.product).toBe(512);
    expect(out.threads).toBeGreaterThanOrEqual(1);
    expect(out.asleepBy60ms).toBe(true); // 2^18 cycles; OpenBLAS's own 2^28 (~0.1 s) would still spin
    expect(out.env).toBeNull();
  });

  it("keep the user's OPENBLAS_THREAD_TIMEOUT: 28 (OpenBLAS's default, about 0.1 s) still spins right after", async () => {
    const out = await probe({ ...process.env, OPENBLAS_THREAD_TIMEOUT: '28' });
    expect(out.product).toBe(512);
    expect(out.env).toBe('28');
    expect(out.spunWithin20ms).toBe(true);
    expect(out.asleepBy60ms).toBe(false);
    expect(out.asleep).toBe(true); // and sleeps once its 2^28 cycles are over
  });
});
