// Multithreaded wasm in Node, for real: each thread count runs in its own process (the count is fixed when the
// backend starts), against the built package.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = join(dirname(fileURLToPath(import.meta.url)), 'wasm-threads-child.mjs');

async function train(threads: number): Promise<{ detail: string; threads: number; hash: string }> {
  // a 60 s timeout: a process kept alive by un-unref'd pthread workers would hang here and fail the test
  const { stdout } = await run(process.execPath, [child, String(threads)], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { detail: string; threads: number; hash: string };
}

describe('wasm threads in Node', () => {
  it('runs with 2 threads, gives bit-identical weights to 1 thread, and lets the process exit by itself', async () => {
    const [one, two] = await Promise.all([train(1), train(2)]);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.detail).toMatch(/SIMD on, 2 thread\(s\)/);
    expect(two.hash).toBe(one.hash);
  });
});
