// A small training run against the built package, for the kill-and-resume test. Prints "resumed <step>",
// "step <n>" and "checkpoint <n>" lines; writes the final weights as JSON when it completes.
// Usage: node fit-child.mjs <checkpoint file> <output json> <resume 0|1> <pause ms per step> [hang at step]
// With a hang step the child prints "hang <n>" after that step and waits forever, to be killed right there.
import '@tensorflow/tfjs-backend-cpu';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '@mlp-blocks/core';
import '@mlp-blocks/hourglass';
import { arrayData, fit } from '@mlp-blocks/train';

const [checkpoint, output, resume, pause, hangAt] = process.argv.slice(2);
await tf.setBackend('cpu');
// Noisy/clean pairs of 64 values with structure to learn (clean = sigmoid of a rank-4 product), seeded.
const basis = tf.randomNormal([4, 64], 0, 1, 'float32', 5);
const data = (n, seed) => {
  const x = tf.sigmoid(tf.matMul(tf.randomNormal([n, 4], 0, 1, 'float32', seed), basis));
  return arrayData(tf.clipByValue(tf.add(x, tf.randomNormal([n, 64], 0, 0.25, 'float32', seed + 1)), 0, 1), x, `toy${seed}`);
};
const splits = { train: data(512, 42), eval: data(128, 43) };
const model = buildModel({ model: 'hourglass', inputDim: 64, outputDim: 64, width: 48, bottleneck: 8, depth: 2, lift: 'trainable', dropPath: 0.1 }, { seed: 7 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const result = await fit(model, splits.train, {
  epochs: 3, batchSize: 32, lr: 3e-3, seed: 11, evalData: splits.eval, checkpoint, checkpointEvery: 5,
  resume: resume === '1', progress: 'none', schedule: 'cosine', warmupSteps: 4,
  callbacks: {
    onTrainBegin: ({ resumedAtStep }) => { if (resumedAtStep !== null) console.log(`resumed ${resumedAtStep}`); },
    onCheckpoint: ({ step }) => console.log(`checkpoint ${step}`),
    onBatchEnd: async ({ step }) => {
      console.log(`step ${step}`);
      if (hangAt !== undefined && step === Number(hangAt)) {
        console.log(`hang ${step}`);
        await new Promise(() => setInterval(() => {}, 1 << 30));
      }
      if (Number(pause) > 0) await sleep(Number(pause));
    },
  },
});
const weights = await Promise.all(model.weights.map(async (w) => ({ name: w.originalName, values: Array.from(await w.read().data()) })));
writeFileSync(output, JSON.stringify({ steps: result.steps, best: result.best, history: result.history.map((h) => h.loss), weights }));
