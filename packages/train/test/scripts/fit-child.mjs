// A small training run against the built package, for the kill-and-resume test. Prints "resumed <step>",
// "step <n>" and "checkpoint <n>" lines; writes the final weights as JSON when it completes.
// Usage: node fit-child.mjs <checkpoint file> <output json> <resume 0|1> <pause ms per step>
import '@tensorflow/tfjs-backend-cpu';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/hourglass';
import { buildSeeded, fit, syntheticTask } from '@mlp-blocks/train';

const [checkpoint, output, resume, pause] = process.argv.slice(2);
await tf.setBackend('cpu');
const splits = syntheticTask('denoise');
const model = buildSeeded({ model: 'hourglass', inputDim: 64, outputDim: 64, width: 48, bottleneck: 8, depth: 2, lift: 'trainable', dropPath: 0.1 }, 7);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const result = await fit(model, splits.train, {
  epochs: 3, batchSize: 32, lr: 3e-3, seed: 11, evalData: splits.eval, checkpoint, checkpointEvery: 5,
  resume: resume === '1', progress: 'none', schedule: 'cosine', warmupSteps: 4,
  callbacks: {
    onTrainBegin: ({ resumedAtStep }) => { if (resumedAtStep !== null) console.log(`resumed ${resumedAtStep}`); },
    onCheckpoint: ({ step }) => console.log(`checkpoint ${step}`),
    onBatchEnd: async ({ step }) => {
      console.log(`step ${step}`);
      if (Number(pause) > 0) await sleep(Number(pause));
    },
  },
});
const weights = await Promise.all(model.weights.map(async (w) => ({ name: w.originalName, values: Array.from(await w.read().data()) })));
writeFileSync(output, JSON.stringify({ steps: result.steps, best: result.best, history: result.history.map((h) => h.loss), weights }));
