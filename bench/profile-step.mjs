// Where the time of one training step goes: tf.profile over warm steps of a spec, kernels grouped by name,
// total wall time per kernel kind and the count of kernels per step. Kernel times on wasm are wall-clock
// around each synchronous kernel call, so they add up to the step minus JS/engine overhead.
// Run: pnpm -s turbo run build --output-logs=errors-only && node bench/profile-step.mjs [--model hourglass-fixed --threads 1 --steps 5]
//      node bench/profile-step.mjs --workload 4 --backend blas    (a workload of the suite, with its data and loss)
//      node bench/profile-step.mjs --workload 4 --backend blas --infer   (the suite's inference: model.predict, eval mode)
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@mlp-blocks/backends/node';
import '@mlp-blocks/backend-blas'; // registers the `blas` backend (--backend blas)
import '@mlp-blocks/hourglass';
import { buildSeeded, resolveModelArg } from '@mlp-blocks/cli';
import { AdamW, mse, softmaxCrossEntropy, trainStep } from '@mlp-blocks/train';
import { makeBatch, workload } from './workloads.mjs';

const { values } = parseArgs({ options: {
  model: { type: 'string', default: 'hourglass-fixed' }, backend: { type: 'string', default: 'wasm' },
  threads: { type: 'string', default: '1' }, steps: { type: 'string', default: '5' }, batch: { type: 'string', default: '128' },
  workload: { type: 'string' }, infer: { type: 'boolean', default: false },
} });
await useBackend(values.backend, { threads: Number(values.threads) });
const batch = Number(values.batch);
const w = values.workload === undefined ? undefined : workload(Number(values.workload));
const spec = w ? w.spec : { inputDim: 784, outputDim: 784, ...resolveModelArg(values.model) };
const net = buildSeeded(spec, 0);
const { x, y } = w ? makeBatch(w) : { x: tf.randomUniform([batch, 784], 0, 1, 'float32', 1), y: undefined };
const target = y ?? x;
const loss = w?.loss === 'softmaxCrossEntropy' ? softmaxCrossEntropy : mse;
const opt = new AdamW({ learningRate: 1e-4 });
const vars = net.trainableWeights.map((w) => w.read());
let step = 0;
// The suite's inference (bench/run-one.mjs): one model.predict of the batch, read back.
const predict = async () => { const out = net.predict(x, { batchSize: x.shape[0] }); await out.data(); out.dispose(); };
const once = values.infer ? predict : () => trainStep(net, vars, opt, loss, x, target, 0, step++);
for (let i = 0; i < 3; i++) await once();
const steps = Number(values.steps);
const byKernel = new Map();
let wall = 0;
let kernels = 0;
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  const info = await tf.profile(async () => { await once(); });
  wall += performance.now() - t0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('')}`;
    const e = byKernel.get(key) ?? { n: 0, ms: 0 };
    e.n += 1; e.ms += ms; byKernel.set(key, e);
    kernels += 1;
  }
}
const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const total = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(`${w ? `workload ${w.id} (${w.name})` : values.model}${values.infer ? ' inference' : ''} on ${tf.getBackend()} (${values.threads} thread(s)), batch ${batch}: ${(wall / steps).toFixed(1)} ms/step wall (profiled), kernels ${(total / steps).toFixed(1)} ms/step, ${kernels / steps} kernels/step`);
const byName = new Map();
for (const [key, e] of rows) { const n = key.split(' ')[0]; byName.set(n, (byName.get(n) ?? 0) + e.ms); }
console.log('by kernel name:');
for (const [n, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${n.padEnd(22)} ${(ms / steps).toFixed(2).padStart(8)} ms/step ${(100 * ms / total).toFixed(1).padStart(5)}%`);
console.log('top kernels by shape:');
for (const [key, e] of rows.slice(0, 25)) console.log(`  ${(e.ms / steps).toFixed(2).padStart(8)} ms/step ×${(e.n / steps).toFixed(0).padStart(3)}  ${key}`);
tf.dispose(x); opt.dispose(); net.dispose();
tf.removeBackend(tf.getBackend());
