// Time training steps (and, with --infer, predicts) of one suite workload on `blas`, in this process: the
// plain loop the suite times, without its child processes, for profilers and bench/addon-time.mjs.
// Run: node bench/train-steps.mjs --workload 1 [--steps 60 --threads 2 --infer]
import { parseArgs } from 'node:util';
import { useBackend } from '@mlp-blocks/backends/node';
import '@mlp-blocks/backend-blas';
import { buildSeeded, median } from '@mlp-blocks/cli';
import { AdamW, mse, softmaxCrossEntropy, trainStep } from '@mlp-blocks/train';
import { makeBatch, workload } from './workloads.mjs';

const { values } = parseArgs({ options: {
  workload: { type: 'string', default: '1' }, steps: { type: 'string', default: '60' }, threads: { type: 'string', default: '2' },
  infer: { type: 'boolean', default: false },
} });
await useBackend('blas', { threads: Number(values.threads) });
const w = workload(Number(values.workload));
const net = buildSeeded(w.spec, 0);
const { x, y } = makeBatch(w);
const loss = w.loss === 'softmaxCrossEntropy' ? softmaxCrossEntropy : mse;
const opt = new AdamW({ learningRate: 1e-4 });
const vars = net.trainableWeights.map((v) => v.read());
const steps = Number(values.steps);
let step = 0;
for (let i = 0; i < 5; i++) await trainStep(net, vars, opt, loss, x, y ?? x, 0, step++);
const start = performance.now();
for (let i = 0; i < steps; i++) await trainStep(net, vars, opt, loss, x, y ?? x, 0, step++);
console.log(`workload ${w.id} ${w.name}: ${((performance.now() - start) / steps).toFixed(2)} ms per training step (mean of ${steps} after 5 warm-up)`);
if (values.infer) {
  const predict = async () => { const out = net.predict(x, { batchSize: x.shape[0] }); await out.data(); out.dispose(); };
  for (let i = 0; i < 5; i++) await predict();
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let i = 0; i < 10; i++) await predict();
    rounds.push((performance.now() - t) / 10);
  }
  console.log(`workload ${w.id} ${w.name}: ${median(rounds).toFixed(2)} ms per predict (median of 7 rounds of 10)`);
}
