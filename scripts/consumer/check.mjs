// Shared by the consumer examples: train a few steps, save with core's Node saver, reload, compare.
// Runs inside the scratch consumer project, so every import resolves from its own node_modules.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';

/** Throws with `message` when `ok` is false (the driver reports the message and the non-zero exit). */
export function check(ok, message) {
  if (!ok) throw new Error(`consumer check failed: ${message}`);
}

/** The first example's first values, for the log. */
function head(t) {
  return Array.from(t.dataSync().slice(0, 3), (v) => v.toFixed(4)).join(', ');
}

/**
 * Compiles `model`, trains it full-batch for `epochs` on (x, y) with Adam and checks the loss is finite and
 * went down, then checks it survives a save and reload (see saveReloadIdentical).
 */
export async function trainSaveReload(model, x, y, { epochs = 8, classes = [], backend = 'wasm' } = {}) {
  check(tf.getBackend() === backend, `backend is ${tf.getBackend()}, expected ${backend}`);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const history = await model.fit(x, y, { epochs, batchSize: x.shape[0], shuffle: false, verbose: 0 });
  const losses = history.history.loss;
  check(losses.length === epochs && losses.every(Number.isFinite), `losses not all finite: ${losses}`);
  check(losses.at(-1) < losses[0], `loss did not go down over ${epochs} steps: ${losses[0]} → ${losses.at(-1)}`);
  console.log(`loss ${losses[0].toFixed(4)} → ${losses.at(-1).toFixed(4)} in ${epochs} steps`);
  await saveReloadIdentical(model, x, classes);
}

/**
 * Saves `model` with core's Node saver to a temporary directory, loads it back with core's loader, and checks
 * the saved config holds the `classes` named and both models predict bit-identically on `x`.
 */
export async function saveReloadIdentical(model, x, classes = []) {
  const dir = await mkdtemp(join(tmpdir(), 'mlp-blocks-consumer-model-'));
  try {
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const config = JSON.stringify(loaded.toJSON(null, false));
    for (const name of classes) check(config.includes(`"${name}"`), `reloaded model has no layer of class ${name}`);
    const before = model.predict(x);
    const after = loaded.predict(x);
    check(before.shape.join() === after.shape.join(), `reloaded output shape [${after.shape}] differs from [${before.shape}]`);
    const a = before.dataSync();
    const b = after.dataSync();
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
    check(diff === 0 && a.every(Number.isFinite), `reloaded predictions differ by up to ${diff}`);
    console.log(`saved and reloaded: output [${after.shape}] identical (${head(after)} …)`);
    tf.dispose([before, after]);
    loaded.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
