// Training-step speed of core's Dense (explicit-transpose gradient) against tf.layers.dense, on the wasm
// backend, for a 784-512-512-10 MLP at batch 128. Rounds alternate between the two models so machine noise
// hits both alike; the figures are medians over rounds. Run: pnpm bench:dense [-- --rounds 7 --steps 10]
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '@mlp-blocks/core';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    steps: { type: 'string', default: '10' },
    batch: { type: 'string', default: '128' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const batch = Number(values.batch);

await tf.setBackend(values.backend);
await tf.ready();

const sizes = [784, 512, 512, 10];

function stockModel() {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: sizes[1], activation: 'relu', inputShape: [sizes[0]] }),
      tfl.layers.dense({ units: sizes[2], activation: 'relu' }),
      tfl.layers.dense({ units: sizes[3], activation: 'softmax' }),
    ],
  });
}

function blocksModel() {
  return tfl.sequential({
    layers: [
      new Dense({ units: sizes[1], activation: 'relu', inputShape: [sizes[0]] }),
      new Dense({ units: sizes[2], activation: 'relu' }),
      new Dense({ units: sizes[3] }),
      tfl.layers.softmax(),
    ],
  });
}

const x = tf.randomNormal([batch, sizes[0]], 0, 1, 'float32', 1);
const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10);
const models = { 'tf.layers.dense': stockModel(), '@mlp-blocks/core Dense': blocksModel() };
for (const m of Object.values(models)) {
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  for (let i = 0; i < 3; i++) await m.trainOnBatch(x, labels); // warm-up: kernels compiled, memory pooled
}

const samples = Object.fromEntries(Object.keys(models).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, m] of Object.entries(models)) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await m.trainOnBatch(x, labels);
    samples[name].push((steps * batch) / ((performance.now() - t0) / 1000));
  }
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
console.log(`backend ${tf.getBackend()}, MLP ${sizes.join('-')}, batch ${batch}, ${rounds} rounds × ${steps} steps (medians)`);
for (const [name, s] of Object.entries(samples)) {
  console.log(`  ${name.padEnd(24)} ${median(s).toFixed(0).padStart(7)} samples/s   (min ${Math.min(...s).toFixed(0)}, max ${Math.max(...s).toFixed(0)})`);
}
const names = Object.keys(samples);
console.log(`  speed-up of the explicit-transpose dense: ${(median(samples[names[1]]) / median(samples[names[0]])).toFixed(2)}×`);
for (const m of Object.values(models)) m.dispose();
tf.dispose([x, labels]);
tf.removeBackend(values.backend); // the wasm backend holds handles that keep Node alive
