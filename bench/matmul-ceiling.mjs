// The ceiling the wasm backend puts on a training step: GFLOP/s of the plain matmuls of the hourglass
// reference network (batch 128, width 1150, bottleneck 115, head 784) on wasm with 1 and 2 threads, and the
// samples/s a step made of nothing but those matmuls would reach. Medians of timed rounds after warm-up;
// each round ends with a read so queued work counts. Run: pnpm -s turbo run build --output-logs=errors-only && node bench/matmul-ceiling.mjs [--rounds 7]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@mlp-blocks/backends/node';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, threads: { type: 'string' }, reps: { type: 'string', default: '10' } } });
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

// The step's matmuls: [m, k] · [k, n], with how many times each shape runs per training step (forward, dX, dW).
const B = 128;
const SHAPES = [
  { m: B, k: 784, n: 1150, perStep: 1, what: 'lift (frozen: forward only)' },
  { m: B, k: 1150, n: 115, perStep: 10, what: 'block down, forward' },
  { m: B, k: 115, n: 1150, perStep: 10, what: 'block up, forward' },
  { m: B, k: 1150, n: 115, perStep: 10, what: 'block up, dX = dY·Wᵀ' },
  { m: B, k: 115, n: 1150, perStep: 10, what: 'block down, dX = dY·Wᵀ' },
  { m: 1150, k: B, n: 115, perStep: 10, what: 'block down, dW = Xᵀ·dY' },
  { m: 115, k: B, n: 1150, perStep: 10, what: 'block up, dW = Xᵀ·dY' },
  { m: B, k: 1150, n: 784, perStep: 1, what: 'head, forward' },
  { m: B, k: 784, n: 1150, perStep: 1, what: 'head, dX' },
  { m: 1150, k: B, n: 784, perStep: 1, what: 'head, dW' },
];

if (values.threads) {
  // Child: one thread count, prints JSON.
  await useBackend('wasm', { threads: Number(values.threads) });
  const rounds = Number(values.rounds);
  const reps = Number(values.reps);
  const out = [];
  for (const s of SHAPES) {
    const a = tf.randomUniform([s.m, s.k], -1, 1, 'float32', 1);
    const b = tf.randomUniform([s.k, s.n], -1, 1, 'float32', 2);
    for (let i = 0; i < 3; i++) tf.matMul(a, b).dispose();
    const times = [];
    const cached = [];
    for (let r = 0; r < rounds; r++) {
      // A fresh b each rep, as in training, where every right-hand operand is a new tensor each step: the
      // backend builds (and packs) a new XNNPACK operator per call.
      const bs = Array.from({ length: reps }, () => tf.add(b, 0));
      let t0 = performance.now();
      let last = null;
      for (const bi of bs) { last?.dispose(); last = tf.matMul(a, bi); }
      await last.data();
      times.push((performance.now() - t0) / reps);
      last.dispose();
      tf.dispose(bs);
      // The same b every rep: the operator is cached, as in inference with fixed weights.
      t0 = performance.now();
      last = null;
      for (let i = 0; i < reps; i++) { last?.dispose(); last = tf.matMul(a, b); }
      await last.data();
      cached.push((performance.now() - t0) / reps);
      last.dispose();
    }
    tf.dispose([a, b]);
    const gf = (ms) => (2 * s.m * s.k * s.n) / (ms * 1e6);
    out.push({ ...s, ms: median(times), gflops: gf(median(times)), cachedMs: median(cached), cachedGflops: gf(median(cached)) });
  }
  console.log(JSON.stringify(out));
  tf.removeBackend('wasm');
} else {
  const self = fileURLToPath(import.meta.url);
  const results = {};
  for (const threads of [1, 2]) {
    const r = spawnSync(process.execPath, [self, '--threads', String(threads), '--rounds', values.rounds, '--reps', values.reps], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    results[threads] = JSON.parse(r.stdout.trim().split('\n').pop());
  }
  console.log(`wasm matmul, hourglass reference shapes (batch ${B}); medians of ${values.rounds} rounds × ${values.reps} products`);
  console.log('GFLOP/s with a new right-hand tensor each call (training) / the same one (cached operator)');
  console.log('shape                 per step   1 thread new/same   2 threads new/same  what');
  const f = (r) => `${r.gflops.toFixed(1)}/${r.cachedGflops.toFixed(1)}`;
  for (let i = 0; i < SHAPES.length; i++) {
    const s = SHAPES[i];
    console.log(`[${s.m}×${s.k}]·[${s.k}×${s.n}]`.padEnd(24) + String(s.perStep).padStart(6) + f(results[1][i]).padStart(18) + f(results[2][i]).padStart(21) + '  ' + s.what);
  }
  for (const threads of [1, 2]) {
    const ms = results[threads].reduce((t, r) => t + r.ms * r.perStep, 0);
    const flop = SHAPES.reduce((t, s) => t + 2 * s.m * s.k * s.n * s.perStep, 0);
    const cachedMs = results[threads].reduce((t, r) => t + r.cachedMs * r.perStep, 0);
    console.log(`${threads} thread(s): the step's matmuls alone take ${ms.toFixed(1)} ms (${(flop / 1e9).toFixed(2)} GFLOP, ${(flop / (ms * 1e6)).toFixed(1)} GFLOP/s) → at most ${Math.round(B / (ms / 1000))} samples/s; with cached operators ${cachedMs.toFixed(1)} ms → ${Math.round(B / (cachedMs / 1000))} samples/s`);
  }
}
