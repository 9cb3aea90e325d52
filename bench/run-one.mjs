// One (workload, implementation) measurement in its own process, so its peak RSS is its own and no backend
// state leaks between runs; bench/suite.mjs starts one per pair and reads the single JSON line printed last.
// Implementations: a = mlp-blocks model + the library's trainStep and AdamW; b = the same architecture in
// stock tf.layers, trained with model.trainOnBatch and tf.train.adam (tfjs has no AdamW).
// Run alone: node bench/run-one.mjs --workload 1 --impl a [--backend wasm --threads 2 --windows 5 --steps 10 --warmup 3]
//            node bench/run-one.mjs --workload 1 --impl a --leak-steps 1000
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, wasmThreadsInUse } from '@mlp-blocks/backends/node';
import '@mlp-blocks/backend-blas'; // registers the `blas` backend (--backend blas)
import { specParams } from '@mlp-blocks/core';
// @mlp-blocks/cli's entry also registers the hourglass, gmlp and mixer families.
import { buildSeeded, median } from '@mlp-blocks/cli';
import { AdamW, mse, softmaxCrossEntropy, trainStep } from '@mlp-blocks/train';
import { plainCrossEntropy, plainModel, trainableCount } from './plain-models.mjs';
import { BATCH, OPTIMIZER, makeBatch, workload } from './workloads.mjs';
import { countStepFlops } from './flops.mjs';

const { values } = parseArgs({
  options: {
    workload: { type: 'string' },
    impl: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '2' },
    windows: { type: 'string', default: '5' },
    steps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'leak-steps': { type: 'string' },
  },
});
// The suite validates flags; this only guards direct use.
const int = (name) => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`run-one: --${name} must be a positive integer, received ${JSON.stringify(values[name])}`);
  return v;
};
const w = workload(int('workload'));
const impl = values.impl;
if (impl !== 'a' && impl !== 'b') throw new Error(`run-one: --impl must be a or b, received ${JSON.stringify(impl)}`);
const leakSteps = values['leak-steps'] === undefined ? 0 : int('leak-steps');

const choice = await useBackend(/** @type {never} */ (values.backend), { threads: int('threads') });
const { x, y } = makeBatch(w);
const notes = [];

/** @type {import('@tensorflow/tfjs-layers').LayersModel} */
let model;
/** @type {() => Promise<void>} */
let train;
/** @type {() => void} */
let disposeTraining;
let trainable;
if (impl === 'a') {
  model = buildSeeded(w.spec, 0);
  const vars = model.trainableWeights.map((v) => /** @type {tf.Variable} */ (v.read()));
  const optimizer = new AdamW(OPTIMIZER);
  const loss = w.loss === 'mse' ? mse : softmaxCrossEntropy;
  let step = 0;
  // trainStep reads the loss back (its non-finite check), so every step ends with a read.
  train = async () => { await trainStep(model, vars, optimizer, loss, x, y, 0, step++); };
  disposeTraining = () => optimizer.dispose();
  trainable = trainableCount(model);
} else {
  model = plainModel(w);
  trainable = trainableCount(model);
  const expected = specParams(w.spec).trainable;
  if (trainable !== expected) {
    process.stderr.write(`run-one: workload ${w.id} (${w.name}): the plain tf.layers model has ${trainable} trainable parameters but the mlp-blocks model has ${expected}\n`);
    process.exit(2);
  }
  const optimizer = tf.train.adam(OPTIMIZER.learningRate, OPTIMIZER.beta1, OPTIMIZER.beta2, OPTIMIZER.epsilon);
  notes.push('tf.train.adam (tfjs has no AdamW): no decoupled weight decay');
  if (w.id >= 3) notes.push('patch embedding as reshape/permute/dense (conv2d cannot train on wasm)');
  const labels = w.loss === 'mse' ? y : tf.cast(tf.oneHot(/** @type {tf.Tensor1D} */ (y), w.outputs), 'float32');
  model.compile({ optimizer, loss: w.loss === 'mse' ? 'meanSquaredError' : plainCrossEntropy });
  // trainOnBatch reads the loss back too, so both implementations pay one read per step.
  train = async () => { await model.trainOnBatch(x, labels); };
  disposeTraining = () => { optimizer.dispose(); if (labels !== y) labels.dispose(); };
}

/** Forward in eval mode; `read` waits for the result (the last step of a window). */
const infer = async (read) => {
  const out = /** @type {tf.Tensor} */ (model.predict(x, { batchSize: BATCH }));
  if (read) await out.data();
  out.dispose();
};

/**
 * Samples/s of each window of `steps` calls, the last call of a window reading its result.
 * @param {(read: boolean) => Promise<void>} fn
 */
async function windowsOf(fn, windows, steps) {
  const rates = [];
  for (let k = 0; k < windows; k++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) await fn(s === steps - 1);
    rates.push((steps * BATCH) / ((performance.now() - t0) / 1000));
  }
  return { windows: rates.map((r) => Math.round(r * 10) / 10), samplesPerSecond: Math.round(median(rates) * 10) / 10 };
}

const result = {
  workload: w.id, name: w.name, impl, backend: choice.name, detail: choice.detail ?? null, threads: wasmThreadsInUse() ?? null, trainable, notes,
};
if (leakSteps) {
  // Memory check: N training steps; numTensors must not move and peak RSS should stay under 1 GiB.
  await train();
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < leakSteps; i++) await train();
  Object.assign(result, {
    leakSteps, samplesPerSecond: Math.round((leakSteps * BATCH) / ((performance.now() - t0) / 1000) * 10) / 10,
    numTensors: { before, after: tf.memory().numTensors },
  });
} else {
  const warmup = int('warmup');
  for (let i = 0; i < warmup; i++) await train();
  for (let i = 0; i < warmup; i++) await infer(true);
  const before = tf.memory().numTensors;
  const trainRun = await windowsOf(() => train(), int('windows'), int('steps'));
  const inferRun = await windowsOf(infer, int('windows'), int('steps'));
  Object.assign(result, {
    windowsCount: int('windows'), steps: int('steps'), warmup,
    train: trainRun, infer: inferRun, numTensors: { before, after: tf.memory().numTensors },
  });
  // FLOPs of (a)'s step, counted from the products one more (profiled, untimed) step runs: bench/flops.mjs.
  if (impl === 'a') result.stepFlops = await countStepFlops(train);
}
// maxRSS is in KiB.
Object.assign(result, { peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) });

tf.dispose([x, y]);
disposeTraining();
model.dispose();
// The threaded wasm backend's workers keep the process alive until the backend is removed.
if (tf.findBackend('wasm')) tf.removeBackend('wasm');
process.stdout.write(`${JSON.stringify(result)}\n`);
