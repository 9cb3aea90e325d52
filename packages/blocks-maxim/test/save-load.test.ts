import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildModel, countParams } from '@mlp-blocks/core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { CrossGatingBlock, MultiAxisGmlpBlock, Rcab } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function roundTrip(model: tfl.LayersModel) {
  const dir = await mkdtemp(join(tmpdir(), 'maxim-'));
  await saveModel(model, dir);
  const topology = await readFile(join(dir, 'model.json'), 'utf8');
  const loaded = await loadModel(dir);
  await rm(dir, { recursive: true, force: true });
  return { topology, loaded };
}

it('a trained MAXIM denoiser saves to files and reloads with identical outputs and every weight', async () => {
  const model = buildModel({ model: 'maxim', imageSize: [6, 10], inputChannels: 1, inputDim: 60, outputDim: 60, features: 4, depth: 1, blockSizeHr: 2, gridSizeHr: 2, blockSizeLr: 2 });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const x = tf.randomUniform([4, 60], 0, 1, 'float32', 1);
  await model.fit(x, x, { epochs: 2, batchSize: 2, verbose: 0 }); // moves every weight away from its initialiser
  const { topology, loaded } = await roundTrip(model);
  expect(topology).toContain('"class_name":"MlpBlocks>MaximUnet"');
  expect(topology).toContain('"mlp_blocks_package":"@mlp-blocks/maxim"');
  expect(topology).toContain('unet/cross_gating_0/gating_x/grid/kernel');
  expect(topology).toContain('unet/encoder_0/mab_0/block/gating/spatial/kernel');
  expect(loaded.weights.map((w) => w.originalName)).toEqual(model.weights.map((w) => w.originalName));
  expect(countParams(loaded)).toEqual(countParams(model));
  const a = model.predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  tf.dispose([x, a, b]);
  model.dispose();
  loaded.dispose();
});

it('blocks inside a tf.model with two inputs round-trip through memory IO', async () => {
  const xi = tfl.input({ shape: [6, 4, 3] });
  const yi = tfl.input({ shape: [3, 2, 5] });
  const h = new MultiAxisGmlpBlock({ blockSize: 2, gridSize: 3 }).apply(xi) as tfl.SymbolicTensor;
  const g = new CrossGatingBlock({ features: 4, blockSize: 2, gridSize: 2 }).apply([h, yi]) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: [xi, yi], outputs: new Rcab({ reduction: 2 }).apply(g) as tfl.SymbolicTensor });
  for (const w of model.weights) tf.tidy(() => { w.write(tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', 7)); });
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
  const x = tf.randomNormal([2, 6, 4, 3], 0, 1, 'float32', 8);
  const y = tf.randomNormal([2, 3, 2, 5], 0, 1, 'float32', 9);
  const a = model.predict([x, y]) as tf.Tensor;
  const b = loaded.predict([x, y]) as tf.Tensor;
  expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  tf.dispose([x, y, a, b]);
  model.dispose();
  loaded.dispose();
});
