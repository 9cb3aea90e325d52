// The overhead of @mlp-blocks/train's fit loop (shuffled batches gathered from a FitData, per-step loss read
// for the NaN check, schedule) against tfjs's model.trainOnBatch on one fixed batch, for the reference
// hourglass network (784 → fixed lift 1150 → 10 blocks of 115 → 784), batch 128, AdamW. Rounds alternate
// between the two so machine noise hits both; medians reported.
// Run: pnpm -s turbo run build --output-logs=errors-only && node bench/fit.mjs [--rounds 5 --steps 8 --backend wasm]
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/hourglass';
import { buildSeeded } from '@mlp-blocks/cli';
import { AdamW, arrayData, fit } from '@mlp-blocks/train';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '8' }, backend: { type: 'string', default: 'wasm' } } });
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const batch = 128;
await tf.setBackend(values.backend);

const spec = { model: 'hourglass', inputDim: 784, outputDim: 784, width: 1150, bottleneck: 115, depth: 10, lift: 'fixed' };
const x = tf.randomUniform([batch * steps, 784], 0, 1, 'float32', 1);
const data = arrayData(x, x);
const xb = tf.slice(x, 0, batch);
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

const fitRates = [];
const tobRates = [];
for (let r = 0; r < rounds; r++) {
  const a = buildSeeded(spec, 0);
  let t0 = performance.now();
  await fit(a, data, { epochs: 1, batchSize: batch, progress: 'none' });
  fitRates.push((batch * steps) / ((performance.now() - t0) / 1000));
  a.dispose();

  const b = buildSeeded(spec, 0);
  b.compile({ optimizer: new AdamW({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
  t0 = performance.now();
  for (let i = 0; i < steps; i++) await b.trainOnBatch(xb, xb);
  tobRates.push((batch * steps) / ((performance.now() - t0) / 1000));
  b.dispose();
}
const f = median(fitRates);
const t = median(tobRates);
console.log(`backend ${tf.getBackend()}, batch ${batch}, ${steps} steps × ${rounds} rounds`);
console.log(`fit (this package)   median ${f.toFixed(0)} samples/s`);
console.log(`model.trainOnBatch   median ${t.toFixed(0)} samples/s`);
console.log(`ratio fit / trainOnBatch ${(f / t).toFixed(2)}`);
tf.dispose([x, xb]);
data.dispose();
if (tf.findBackend('wasm')) tf.removeBackend('wasm');
