// Per-backend speed in one run: float32 matmul GFLOP/s and the hourglass reference network's training step
// (784 → fixed lift 1150 → 10 blocks of bottleneck 115 → 784, batch 128, MSE, Adam) for every backend usable here,
// plus wasm with 2 threads. Each backend runs in its own process (wasm's thread count is fixed per process).
// Figures are medians of timed windows after warm-up; the ratio column is against single-threaded wasm.
// Run: pnpm bench:backends [-- --windows 5 --json out.json]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    threads: { type: 'string', default: '1' },
    windows: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const windows = Number(values.windows);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (values.child) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-layers');
  const { useBackend } = await import('@mlp-blocks/backends/node');
  await import('@mlp-blocks/backend-blas'); // registers the `blas` backend
  const { hourglassMlp } = await import('@mlp-blocks/hourglass');
  const choice = await useBackend(values.child, { threads: Number(values.threads) });
  // Slow backends (plain-JS cpu, software WebGPU) get fewer repetitions per window.
  const slow = values.child === 'cpu' || values.child === 'webgpu';
  const sync = async (t) => { await t.data(); }; // await data(): dataSync() fails on Dawn

  const n = slow ? 512 : 1024;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const reps = slow ? 2 : 10;
  const matmul = async () => { const c = tf.matMul(a, b); await sync(c); c.dispose(); };
  await matmul();
  const mm = [];
  for (let w = 0; w < windows; w++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) await matmul();
    mm.push((reps * 2 * n ** 3) / ((performance.now() - t0) / 1000) / 1e9);
  }

  const model = hourglassMlp({ inputDim: 784, outputDim: 784, width: 1150, bottleneck: 115, depth: 10, lift: 'fixed' });
  const x = tf.randomUniform([128, 784], 0, 1, 'float32', 3);
  const y = tf.randomUniform([128, 784], 0, 1, 'float32', 4);
  const optimizer = tf.train.adam(1e-3);
  const step = async () => {
    const loss = optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }), y))), true);
    await sync(loss);
    loss.dispose();
  };
  await step();
  const steps = slow ? 1 : 4;
  const sps = [];
  for (let w = 0; w < windows; w++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) await step();
    sps.push((steps * 128) / ((performance.now() - t0) / 1000));
  }
  process.stdout.write(`${JSON.stringify({ backend: choice.name, detail: choice.detail ?? '', gflops: median(mm), samplesPerSecond: median(sps) })}\n`);
} else {
  const { backendReport } = await import('@mlp-blocks/backends/node');
  await import('@mlp-blocks/backend-blas'); // so that the report lists `blas`
  const report = await backendReport();
  const runs = [];
  for (const b of report.backends) {
    if (!b.usable) {
      console.log(`${b.name}: not usable here (${b.reason})`);
      continue;
    }
    for (const threads of b.name === 'wasm' ? [1, 2] : [1]) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', b.name, '--threads', String(threads), '--windows', String(windows)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 20 * 60_000,
      });
      runs.push({ ...JSON.parse(out.trim().split('\n').pop()), threads, label: b.name === 'wasm' ? `wasm ×${threads}` : b.name });
    }
  }
  const base = runs.find((r) => r.label === 'wasm ×1');
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\n${pad('backend', 10)}${pad('matmul GFLOP/s', 16)}${pad('train samples/s', 17)}${pad('vs wasm ×1', 12)}detail`);
  for (const r of runs) {
    const ratio = base ? (r.samplesPerSecond / base.samplesPerSecond).toFixed(2) + '×' : '-';
    console.log(`${pad(r.label, 10)}${pad(r.gflops.toFixed(1), 16)}${pad(r.samplesPerSecond.toFixed(0), 17)}${pad(ratio, 12)}${r.detail}`);
  }
  console.log(`\n(medians of ${windows} windows; matmul 1024² on wasm, 512² on cpu/webgpu; training step = forward + MSE + backward + Adam)`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ windows, runs }, null, 2));
}
