// End-to-end demo of @mlp-blocks/core until the training package lands: a small network of core layers
// learns to denoise vectors that live on a 16-dimensional subspace of R^128, on the wasm backend; the
// model is saved to disk, reloaded, and must give identical predictions. Offline, no data files needed.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense, LayerNorm, seededTensor } from '@mlp-blocks/core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

await tf.setBackend('wasm');
const dim = 128;
const basis = seededTensor(7, [16, dim], 'normal', 0.25);
const sample = (n, seed) => tf.tidy(() => {
  const clean = tf.matMul(tf.randomNormal([n, 16], 0, 1, 'float32', seed), basis);
  return { clean, noisy: tf.add(clean, tf.randomNormal([n, dim], 0, 0.5, 'float32', seed + 1)) };
});
const train = sample(4096, 1);
const test = sample(512, 100);

const model = tfl.sequential({
  layers: [
    new Dense({ units: 256, activation: 'gelu', inputShape: [dim] }),
    new LayerNorm(),
    new Dense({ units: dim }),
  ],
});
model.compile({ optimizer: tf.train.adam(3e-3), loss: 'meanSquaredError' });
const mse = (a, b) => tf.tidy(() => tf.mean(tf.square(tf.sub(a, b))).dataSync()[0]);
console.log(`backend ${tf.getBackend()}; noisy-input test MSE ${mse(test.noisy, test.clean).toFixed(4)}`);
await model.fit(train.noisy, train.clean, {
  epochs: 8, batchSize: 128, verbose: 0,
  callbacks: { onEpochEnd: async (epoch, logs) => console.log(`epoch ${epoch + 1}: train loss ${logs.loss.toFixed(4)}`) },
});
const denoised = model.predict(test.noisy);
console.log(`denoised test MSE ${mse(denoised, test.clean).toFixed(4)}`);

const dir = await mkdtemp(join(tmpdir(), 'mlp-blocks-demo-'));
await saveModel(model, dir);
const loaded = await loadModel(dir);
const again = loaded.predict(test.noisy);
const same = mse(denoised, again) === 0;
console.log(`saved to ${dir} and reloaded: predictions ${same ? 'identical' : 'DIFFER'}`);
await rm(dir, { recursive: true, force: true });
tf.dispose([basis, train.clean, train.noisy, test.clean, test.noisy, denoised, again]);
tf.removeBackend('wasm');
if (!same) process.exit(1);
