// Training-step time of the gmlp_mnist preset (batch 128) with and without tiny attention, per backend.
// Run after a build: node packages/blocks-gmlp/bench/step.mjs [--steps 7] [--backend wasm,cpu]. Prints medians and
// the aMLP/gMLP ratio. wasm is the default: the cpu backend is pure JS, about 25× slower here (minutes per run).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { PRESETS, gmlpClassifier } from '../dist/index.js';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const steps = Number(arg('--steps', '7'));
const backends = arg('--backend', 'wasm').split(',');
const batch = 128;

async function medianStep(backend, tinyAttention) {
  await tf.setBackend(backend);
  const model = gmlpClassifier({ ...PRESETS.gmlp_mnist, tinyAttention });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10);
  await model.trainOnBatch(x, y); // warm-up: kernel set-up, first allocations
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    times.push(performance.now() - t0);
  }
  tf.dispose([x, y]);
  model.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

for (const backend of backends) {
  const g = await medianStep(backend, false);
  const a = await medianStep(backend, true);
  const rate = (ms) => `${(batch / ms * 1000).toFixed(0)} samples/s`;
  console.log(`${backend}: gMLP ${g.toFixed(0)} ms/step (${rate(g)}), aMLP ${a.toFixed(0)} ms/step (${rate(a)}), aMLP/gMLP ${(a / g).toFixed(2)}×`);
}
