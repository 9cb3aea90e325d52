// The fixed cost of one tfjs kernel call on a backend: a 4-value tf.add (result disposed), 20,000 times, three
// rounds. What a model pays per kernel beyond the arithmetic (dispatch, output allocation, bookkeeping).
// Run: node bench/kernel-overhead.mjs [--backend blas]
// PyTorch's counterpart: python3 -c "import torch,time; a=torch.ones(4); t=time.perf_counter(); [a+a for _ in range(20000)]; print((time.perf_counter()-t)/20000*1e6)"
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@mlp-blocks/backends/node';
import '@mlp-blocks/backend-blas';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'blas' } } });
await useBackend(/** @type {never} */ (values.backend), { threads: 1 });
const a = tf.ones([4]);
const rounds = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 20000; i++) tf.add(a, a).dispose();
  rounds.push(((performance.now() - t0) / 20000) * 1000);
}
console.log(`${tf.getBackend()}: ${rounds.map((us) => us.toFixed(1)).join(' / ')} µs per kernel call`);
a.dispose();
tf.removeBackend(tf.getBackend());
