// A/B of the `blas` backend's fusions in one process: the same model and batch, configurations taking turns
// in every round, so that a changing machine load falls on all of them alike. Configurations:
//   new    — everything on (native layer and batch norm, bias and ReLU/GELU inside the product);
//   nonorm — layer and batch norm on the tensor formula (core's LAYER_NORM and BATCH_NORM* kernels unregistered);
//   nofuse — (inference only) no product fusions: dense's bias as a separate Add and the activation as its own
//            kernel (setTransposeFreeProducts(null): the forward pass has no transposed products, so this switches
//            only the fusions);
//   noslice — the stock wasm Slice kernel instead of blas's heap-to-heap one, all else on;
//   old    — norms and fusions off (inference) / nonorm (training: the product fusions cannot be switched off alone
//            there); blas's Slice in both.
// Each line gives the median samples/s of every configuration and the median over rounds of its ratio to the last
// configuration in the same round.
// Run: node bench/ab-blas.mjs --workloads 1,2,3,4 --mode infer --rounds 5 --steps 5 [--configs new,old]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@mlp-blocks/backends/node';
import '@mlp-blocks/backend-blas';
import { BATCH_NORM_GRAD_KERNEL, BATCH_NORM_INFERENCE_KERNEL, BATCH_NORM_KERNEL, LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL, setTransposeFreeProducts } from '@mlp-blocks/core';
import { buildSeeded, median } from '@mlp-blocks/cli';
import { AdamW, mse, softmaxCrossEntropy, trainStep } from '@mlp-blocks/train';
import { BATCH, OPTIMIZER, makeBatch, workload } from './workloads.mjs';

const { values } = parseArgs({ options: {
  workloads: { type: 'string', default: '1,2,3,4' }, mode: { type: 'string', default: 'infer' },
  rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' },
  configs: { type: 'string' },
} });
const mode = values.mode;
if (mode !== 'infer' && mode !== 'train') throw new Error(`ab-blas: --mode must be infer or train, received ${mode}`);
const configs = (values.configs ?? (mode === 'infer' ? 'new,nonorm,nofuse,old' : 'new,old')).split(',');
await useBackend('blas', { threads: Number(values.threads) });
const normKernels = [LAYER_NORM_KERNEL, LAYER_NORM_GRAD_KERNEL, BATCH_NORM_KERNEL, BATCH_NORM_GRAD_KERNEL, BATCH_NORM_INFERENCE_KERNEL].map((name) => tf.getKernel(name, 'blas'));

const ownSlice = tf.getKernel(tf.Slice, 'blas');
const stockSlice = { ...tf.getKernel(tf.Slice, 'wasm'), backendName: 'blas' };

function set(config) {
  tf.unregisterKernel(tf.Slice, 'blas');
  tf.registerKernel(config === 'noslice' ? stockSlice : ownSlice);
  const norms = config === 'new' || config === 'nofuse' || config === 'noslice';
  const bias = mode === 'infer' ? config === 'new' || config === 'nonorm' || config === 'noslice' : true;
  for (const k of normKernels) {
    const present = tf.getKernel(k.kernelName, 'blas') !== undefined;
    if (norms && !present) tf.registerKernel(k);
    if (!norms && present) tf.unregisterKernel(k.kernelName, 'blas');
  }
  setTransposeFreeProducts(bias ? 'blas' : null);
}

for (const id of values.workloads.split(',').map(Number)) {
  const w = workload(id);
  const model = buildSeeded(w.spec, 0);
  const { x, y } = makeBatch(w);
  const vars = model.trainableWeights.map((v) => v.read());
  const optimizer = new AdamW(OPTIMIZER);
  const loss = w.loss === 'mse' ? mse : softmaxCrossEntropy;
  let step = 0;
  const once = mode === 'infer'
    ? async () => { const out = model.predict(x, { batchSize: BATCH }); await out.data(); out.dispose(); }
    : async () => { await trainStep(model, vars, optimizer, loss, x, y, 0, step++); };
  const rates = Object.fromEntries(configs.map((c) => [c, []]));
  for (const c of configs) { set(c); for (let i = 0; i < 2; i++) await once(); }
  const before = tf.memory().numTensors;
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const c of r % 2 === 0 ? configs : [...configs].reverse()) {
      set(c);
      await once();
      const t0 = performance.now();
      for (let s = 0; s < Number(values.steps); s++) await once();
      rates[c].push((Number(values.steps) * BATCH) / ((performance.now() - t0) / 1000));
    }
  }
  set('new');
  // Ratios within a round (configurations minutes apart at most) stand up to a drifting load better than medians.
  const base = configs[configs.length - 1];
  const ratio = (c) => median(rates[c].map((r, i) => r / rates[base][i]));
  const line = configs
    .map((c) => `${c} ${Math.round(median(rates[c]))} [${rates[c].map(Math.round).join(' ')}]${c === base ? '' : ` ×${ratio(c).toFixed(2)} vs ${base}`}`)
    .join(' | ');
  console.log(`workload ${id} (${w.name}) ${mode} samples/s, medians of ${values.rounds} rounds: ${line}; numTensors ${before} → ${tf.memory().numTensors}`);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
}
tf.removeBackend('blas');
