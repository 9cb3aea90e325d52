// Per-call time of backend-blas's native functions inside a real run: load with `node --import ./bench/addon-time.mjs
// SCRIPT`; at exit it prints, per function (products by shape and flags), ms per step (divided by --steps, i.e. the
// ADDON_TIME_STEPS variable, default 1), µs per call and calls per step. Wraps the addon through require's cache
// before backend-blas loads it, so nothing in the package changes.
// Run: ADDON_TIME_STEPS=65 node --import ./bench/addon-time.mjs bench/train-steps.mjs --workload 1 --steps 60
import { createRequire } from 'node:module';
import { ADDON_PATH } from '@mlp-blocks/backend-blas';

const require = createRequire(import.meta.url);
const native = require(ADDON_PATH);
const wrapped = {};
const stats = new Map();
for (const name of Object.getOwnPropertyNames(native)) {
  const f = native[name];
  wrapped[name] = typeof f !== 'function' || name === 'setThreads' || name === 'describe' ? f : (...args) => {
    const start = performance.now();
    const result = f.apply(native, args);
    const ms = performance.now() - start;
    const key = name === 'gemm' ? `gemm ${args[3] > 1 ? `${args[3]}×` : ''}${args[4]}×${args[6]}×${args[5]}${args[7] ? ' tA' : ''}${args[8] ? ' tB' : ''}${args[11] ? ' +bias' : ''}` : name;
    const entry = stats.get(key) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    stats.set(key, entry);
    return result;
  };
}
require.cache[ADDON_PATH].exports = wrapped;

process.on('exit', () => {
  const steps = Number(process.env.ADDON_TIME_STEPS ?? 1);
  let products = 0;
  for (const [key, e] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
    if (key.startsWith('gemm')) products += e.ms;
    console.log(`${(e.ms / steps).toFixed(2).padStart(8)} ms/step ${((e.ms / e.calls) * 1000).toFixed(0).padStart(7)} µs/call ×${(e.calls / steps).toFixed(0).padStart(3)}  ${key}`);
  }
  console.log(`${(products / steps).toFixed(2).padStart(8)} ms/step in products`);
});
