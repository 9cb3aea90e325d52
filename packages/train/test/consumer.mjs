// @mlp-blocks/train alone, as a tfjs user installs it to train any model: a plain tf.layers network (no block
// package, no backend package beyond tfjs's wasm), trained by fit with a checkpoint, killed halfway by a callback
// and resumed from that checkpoint, ending with the weights of an uninterrupted run.
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { withSeededRandom } from '@mlp-blocks/core';
import { arrayData, fit } from '@mlp-blocks/train';
import { check } from './check.mjs';

await tf.setBackend('wasm');
const installed = (await readdir('node_modules/@mlp-blocks')).sort().join();
check(installed === 'core,train', `@mlp-blocks packages installed with train: ${installed}`);
// (tfjs-backend-cpu arrives with the user's tfjs-backend-wasm, which depends on it.)
for (const heavy of ['vega', 'pngjs', 'commander', '@valibot/to-json-schema', '@tensorflow/tfjs-node', '@mlp-blocks/backends']) {
  check(!existsSync(`node_modules/${heavy}`), `installing @mlp-blocks/train pulled ${heavy}`);
}
const x = tf.randomUniform([256, 16], 0, 1, 'float32', 1);
const data = arrayData(x, x, 'autoencoder');
const build = () => withSeededRandom(3, () => tfl.sequential({ layers: [
  tfl.layers.dense({ units: 4, activation: 'relu', inputShape: [16] }), tfl.layers.dense({ units: 16, activation: 'sigmoid' })] }));
const dir = await mkdtemp(join(tmpdir(), 'mlp-blocks-train-'));
try {
  const opts = { epochs: 3, batchSize: 32, lr: 1e-2, seed: 5, progress: 'none' };
  const whole = build();
  const a = await fit(whole, data, opts);
  const checkpoint = join(dir, 'run.ckpt');
  const first = build();
  await fit(first, data, { ...opts, checkpoint, checkpointEvery: 5, callbacks: { onBatchEnd: ({ step }) => (step === 13 ? 'stop' : undefined) } });
  const resumed = build();
  const b = await fit(resumed, data, { ...opts, checkpoint, resume: true });
  check(b.resumedFromStep === 10, `resumed from step ${b.resumedFromStep}, expected 10`);
  check(a.history[2].loss < a.history[0].loss, `loss did not fall: ${a.history.map((h) => h.loss)}`);
  const same = whole.weights.every((w, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(w.read(), resumed.weights[i].read()))).dataSync()[0]) === 0);
  check(same, 'the resumed run ended with different weights than the uninterrupted one');
  console.log(`plain tf.layers model: loss ${a.history[0].loss.toFixed(4)} → ${a.history[2].loss.toFixed(4)}; killed at step 13, resumed from 10, identical weights`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
