// @mlp-blocks/pretrained from its tarball: every shipped model by name, its weights file as recorded, both load
// paths equal, and outputs of the right kind (images in [0, 1] for the denoisers, 10 logits for the classifiers).
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '@mlp-blocks/core';
import { loadPretrained, pretrainedDir, pretrainedModels } from '@mlp-blocks/pretrained';
import { check } from './check.mjs';

await tf.setBackend('wasm');
for (const m of pretrainedModels()) {
  const sha = createHash('sha256').update(readFileSync(`${pretrainedDir(m.name)}/weights.bin`)).digest('hex');
  check(sha === m.weights.sha256, `${m.name}: weights.bin has SHA-256 ${sha}, the manifest records ${m.weights.sha256}`);
  const created = createModel(m.name, { pretrained: true });
  const loaded = await loadPretrained(m.name);
  const x = tf.randomUniform([3, ...m.inputShape], 0, 1, 'float32', 1);
  const a = created.predict(x).dataSync();
  const b = loaded.predict(x).dataSync();
  check(a.length === b.length && a.every((v, i) => v === b[i]), `${m.name}: createModel and loadPretrained disagree`);
  check(a.length === 3 * (m.data.task === 'classify' ? 10 : 784), `${m.name}: ${a.length / 3} outputs per example`);
  if (m.data.task === 'denoise') check(a.every((v) => v >= 0 && v <= 1), `${m.name}: outputs outside [0, 1]`);
  console.log(`${m.name}: ${m.params.total.toLocaleString('en-US')} parameters, ${m.score.metric} ${m.score.value.toFixed(4)} on ${m.score.examples} test examples`);
  tf.dispose(x);
  created.dispose();
  loaded.dispose();
}
