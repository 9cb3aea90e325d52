import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { countParams } from '@mlp-blocks/core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { gmlpClassifier, gmlpSequenceModel } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function roundTrip(model: import('@tensorflow/tfjs-layers').LayersModel) {
  const dir = await mkdtemp(join(tmpdir(), 'gmlp-'));
  await saveModel(model, dir);
  const topology = await readFile(join(dir, 'model.json'), 'utf8');
  const loaded = await loadModel(dir);
  await rm(dir, { recursive: true, force: true });
  return { topology, loaded };
}

it('a trained aMLP classifier saves and reloads with identical outputs and every weight', async () => {
  const model = gmlpClassifier({ imageSize: 8, patchSize: 2, inputChannels: 2, numClasses: 4, embedDim: 8, channelMlpDim: 12, depth: 2, tinyAttention: true, attentionDim: 4 });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const x = tf.randomNormal([6, 8, 8, 2], 0, 1, 'float32', 1);
  const y = tf.randomNormal([6, 4], 0, 1, 'float32', 2);
  await model.fit(x, y, { epochs: 3, batchSize: 3, verbose: 0 }); // moves every weight away from its initialiser
  const { topology, loaded } = await roundTrip(model);
  expect(topology).toContain('"class_name":"MlpBlocks>GmlpBlock"');
  expect(topology).toContain('"mlp_blocks_package":"@mlp-blocks/gmlp"');
  expect(topology).toContain('block_2/sgu/spatial_kernel');
  expect(topology).toContain('block_1/attn/qkv/kernel');
  expect(loaded.weights.map((w) => w.originalName)).toEqual(model.weights.map((w) => w.originalName));
  expect(countParams(loaded)).toEqual(countParams(model));
  const a = model.predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  tf.dispose([x, y, a, b]);
  model.dispose();
  loaded.dispose();
});

it('a causal sequence model reloads still causal, still taking shorter sequences', async () => {
  const model = gmlpSequenceModel({ vocabSize: 9, seqLen: 6, embedDim: 4, channelMlpDim: 6, depth: 2, tinyAttention: true, attentionDim: 3 });
  for (const w of model.weights) tf.tidy(() => { w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 7)); });
  const { loaded } = await roundTrip(model);
  for (const tokens of [[[1, 2, 3, 4, 5, 6]], [[8, 0, 3]]]) {
    const x = tf.tensor2d(tokens);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(b.shape).toEqual([1, tokens[0]!.length, 9]);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
  }
  expect(() => loaded.predict(tf.zeros([1, 7]))).toThrow('the input has 7 tokens but the spatial weights cover seqLen = 6');
  model.dispose();
  loaded.dispose();
});
