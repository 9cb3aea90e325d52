// Child process for thread-timeout.test.ts: loads the built addon, runs one 2-thread product (on the pool, or on
// OpenBLAS's threads with MLP_BLOCKS_BLAS_PRODUCTS=openblas), then samples the
// scheduler state of the threads the load and the product started (/proc/self/task/*/stat): 'R' spinning or
// runnable, 'S' asleep. Prints whether a new thread was seen running within 20 ms of the product, and whether all
// were asleep at a sample between 30 and 60 ms, or at all within 2 s, and OPENBLAS_THREAD_TIMEOUT as the process sees it after the load.
import { readdirSync, readFileSync } from 'node:fs';
import { loadAddon } from '../dist/addon.js';

const tasks = () => new Set(readdirSync('/proc/self/task'));
const state = (tid) => {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2];
  } catch {
    return 'gone';
  }
};
const before = tasks();
const addon = loadAddon();
addon.setThreads(2);
const n = 512;
const a = new Float32Array(n * n).fill(1);
const c = new Float32Array(n * n);
addon.gemm(a, a, c, 1, n, n, n, false, false, false, false, null, 0);
const started = [...tasks()].filter((t) => !before.has(t));
const running = () => started.some((t) => state(t) === 'R');
let spunWithin20ms = false;
let asleepBy60ms = false;
let asleep = false;
const t0 = performance.now();
for (let now = 0; now < 2000 && !asleep; now = performance.now() - t0) {
  const spinning = running();
  if (now < 20 && spinning) spunWithin20ms = true;
  if (now >= 30 && !spinning) {
    asleep = true;
    if (now < 60) asleepBy60ms = true;
  }
  if (now >= 20) await new Promise((resolve) => setTimeout(resolve, 5));
}
const out = { threads: started.length, product: c[0], spunWithin20ms, asleepBy60ms, asleep, env: process.env['OPENBLAS_THREAD_TIMEOUT'] ?? null };
process.stdout.write(`${JSON.stringify(out)}\n`);
