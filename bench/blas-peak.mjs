// The machine's FP32 matrix-product peak as OpenBLAS reaches it: a short sgemm probe on the `blas` backend
// (2048³ products on resident operands, best and median of 8 after 2 warm-ups, about a second), and which
// BLAS runs it (OpenBLAS's build line through the addon, its kernel set, threads, prebuilt or source build).
// bench/suite.mjs runs it in a child before the workloads; it prints one JSON line, or {error} when the addon
// is missing.
// Run alone: node bench/blas-peak.mjs [--threads 2 --size 2048 --repeats 8]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@mlp-blocks/backends/node';
import { configureBlas } from '@mlp-blocks/backend-blas';

const { values } = parseArgs({ options: {
  threads: { type: 'string', default: '2' }, size: { type: 'string', default: '2048' }, repeats: { type: 'string', default: '8' },
} });
const threads = Number(values.threads);
const n = Number(values.size);
const repeats = Number(values.repeats);
try {
  await useBackend('blas', { threads });
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: /** @type {Error} */ (e).message.split('\n')[0] })}\n`);
  process.exit(0);
}
const info = configureBlas({ threads });
const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
const rates = [];
for (let i = 0; i < repeats + 2; i++) {
  const t0 = performance.now();
  const c = tf.matMul(a, b); // the blas kernel is synchronous: done when it returns
  const s = (performance.now() - t0) / 1000;
  c.dispose();
  if (i >= 2) rates.push((2 * n ** 3) / s / 1e9);
}
rates.sort((x, y) => x - y);
const round = (v) => Math.round(v * 10) / 10;
const version = /OpenBLAS\s+([\d.]+)/.exec(info.config)?.[1] ?? null;
process.stdout.write(`${JSON.stringify({
  library: 'OpenBLAS', version, config: info.config, core: info.core, threads: info.threads,
  addon: info.prebuilt ? 'prebuilt (OpenBLAS linked in)' : 'source build (system OpenBLAS)',
  size: n, repeats, gflops: { best: round(rates[rates.length - 1]), median: round(rates[Math.floor(rates.length / 2)]) },
})}\n`);
tf.dispose([a, b]);
