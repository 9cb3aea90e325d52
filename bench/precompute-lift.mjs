// Training with a frozen lift inside the model vs. on lifted inputs computed once (precomputeLift + trunk),
// for the reference hourglass network (784 → fixed lift 1150 → 10 blocks of 115 → 784, sigmoid, MSE, AdamW),
// batch 128, wasm backend. Rounds alternate between the two so machine noise hits both; medians reported.
// Run: pnpm bench:lift [-- --rounds 5 --steps 8]
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { hourglassMlp, precomputeLift, trunk } from '@mlp-blocks/hourglass';
import { AdamW } from '@mlp-blocks/train';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '8' }, backend: { type: 'string', default: 'wasm' } } });
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const batch = 128;
await tf.setBackend(values.backend);

const spec = { inputDim: 784, outputDim: 784, width: 1150, bottleneck: 115, depth: 10, lift: 'fixed', seed: 42 };
const full = hourglassMlp(spec);
const split = hourglassMlp(spec);
split.setWeights(full.getWeights());
const x = tf.randomUniform([batch * steps, 784], 0, 1, 'float32', 1);
const t0 = performance.now();
const lifted = precomputeLift(split, x);
const liftMs = performance.now() - t0;
const body = trunk(split);
full.compile({ optimizer: new AdamW({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
body.compile({ optimizer: new AdamW({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
const batches = (t) => Array.from({ length: steps }, (_, i) => tf.slice(t, [i * batch, 0], [batch, t.shape[1]]));
const xb = batches(x);
const lb = batches(lifted);
const runs = { 'lift inside the model': [full, xb], 'precomputed lift (trunk)': [body, lb] };
for (const [m, inputs] of Object.values(runs)) await m.trainOnBatch(inputs[0], xb[0]); // warm-up

const samples = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, [m, inputs]] of Object.entries(runs)) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) await m.trainOnBatch(inputs[i], xb[i]);
    samples[name].push((steps * batch) / ((performance.now() - start) / 1000));
  }
}
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
console.log(`backend ${tf.getBackend()}, hourglass 784 → 1150 (fixed) × 10 blocks of 115 → 784, batch ${batch}, AdamW, ${rounds} rounds × ${steps} steps (medians)`);
for (const [name, s] of Object.entries(samples)) console.log(`  ${name.padEnd(26)} ${median(s).toFixed(0).padStart(6)} samples/s`);
const names = Object.keys(samples);
console.log(`  speed-up from precomputing: ${(median(samples[names[1]]) / median(samples[names[0]])).toFixed(2)}×  (one-off lift of ${batch * steps} samples: ${liftMs.toFixed(0)} ms)`);
tf.removeBackend(values.backend);
