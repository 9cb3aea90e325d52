import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { countParams } from '@mlp-blocks/core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mixerClassifier, resMlpClassifier, tsMixerForecaster } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CASES: { label: string; build: () => tfl.Sequential; input: number[]; output: number[]; classes: string[]; refusal: string }[] = [
  {
    label: 'Mixer classifier (non-square images and patches, LayerScale, DropPath)',
    build: () => mixerClassifier({ imageSize: [8, 12], patchSize: [4, 3], hiddenDim: 6, depth: 2, numClasses: 4, layerScale: 0.1, dropPath: 0.1 }),
    input: [8, 12, 3], output: [4], classes: ['MlpBlocks>PatchStem', 'MlpBlocks>MixerBlock', 'MlpBlocks>LayerNorm', 'MlpBlocks>Dense'],
    refusal: 'PatchStem: expected 8 tokens (the model is built for 8×12 images in 4×3 patches), received 16 tokens (a 16×12 image)',
  },
  {
    label: 'ResMLP classifier',
    build: () => resMlpClassifier({ imageSize: 8, patchSize: 4, inputChannels: 1, hiddenDim: 6, depth: 2, numClasses: 3 }),
    input: [8, 8, 1], output: [3], classes: ['MlpBlocks>PatchStem', 'MlpBlocks>ResMlpBlock', 'MlpBlocks>AffineNorm', 'MlpBlocks>Dense'],
    refusal: 'PatchStem: expected 4 tokens (the model is built for 8×8 images in 4×4 patches), received 8 tokens (a 16×8 image)',
  },
  {
    label: 'TSMixer forecaster (batch norm: running statistics saved too)',
    build: () => tsMixerForecaster({ inputLength: 10, features: 3, horizon: 4, ffDim: 8 }),
    input: [10, 3], output: [4, 3], classes: ['MlpBlocks>TsMixerBlock', 'MlpBlocks>TemporalProjection'],
    // The window's length is fixed in the model's input, so tfjs's own input check answers.
    refusal: 'expected window to have shape [null,10,3] but got array with shape [1,20,3]',
  },
];

describe.each(CASES)('$label', ({ build, input, output, classes, refusal }) => {
  it('trains without leaking tensors, saves to disk and reloads with identical outputs', async () => {
    const model = build();
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomNormal([6, ...input], 0, 1, 'float32', 1);
    const y = tf.randomNormal([6, ...output], 0, 1, 'float32', 2);
    const initial = model.predict(x) as tf.Tensor;
    for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) await model.trainOnBatch(x, y);
    expect(tf.memory().numTensors).toBe(warm);

    const dir = await mkdtemp(join(tmpdir(), 'mixer-'));
    await saveModel(model, dir);
    const topology = await readFile(join(dir, 'model.json'), 'utf8');
    for (const cls of classes) expect(topology).toContain(`"${cls}"`);
    expect(topology).toContain('"mlp_blocks_package":"@mlp-blocks/mixer"');
    const loaded = await loadModel(dir);
    expect(countParams(loaded)).toEqual(countParams(model));
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(a.shape).toEqual([6, ...output]);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, initial))).dataSync()[0]!)).toBeGreaterThan(1e-4); // training moved the outputs
    // The reloaded model still knows the input size it was built for.
    const longer = tf.zeros([1, input[0]! * 2, ...input.slice(1)]);
    expect(() => loaded.predict(longer)).toThrow(refusal);
    longer.dispose();
    tf.dispose([x, y, initial, a, b]);
    model.dispose();
    loaded.dispose();
    await rm(dir, { recursive: true, force: true });
  });
});
