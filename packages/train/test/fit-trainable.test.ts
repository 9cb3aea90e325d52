// fit refuses, before any step or checkpoint, a model whose backward pass needs kernels the backend lacks — a
// conv2d stem on the real wasm backend (tfjs has no Conv2DBackpropFilter there) — naming the layer and the fix.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { arrayData, fit } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-fit-trainable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => tf.disposeVariables());

function convStem(): tfl.LayersModel {
  return tfl.sequential({ layers: [
    tfl.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 2, strides: 2, inputShape: [4, 4, 1] }),
    tfl.layers.flatten(), tfl.layers.dense({ units: 2 }),
  ] });
}

function data(seed: number) {
  const x = tf.randomUniform([8, 4, 4, 1], 0, 1, 'float32', seed);
  const y = tf.randomUniform([8, 2], 0, 1, 'float32', seed + 1);
  const d = arrayData(x, y, 'toy');
  x.dispose();
  y.dispose();
  return d;
}

describe('fit and backends that cannot train a layer', () => {
  it('on wasm, a conv2d stem is refused before the first step, naming the layer, the kernel and PatchEmbedding', async () => {
    await tf.setBackend('wasm');
    const model = convStem();
    const d = data(1);
    const before = tf.memory().numTensors;
    const checkpoint = join(dir, 'wasm.ckpt');
    await expect(fit(model, d, { epochs: 1, batchSize: 4, checkpoint, progress: 'none' }))
      .rejects.toThrow(/cannot train on the wasm backend: "stem" \(Conv2D\) needs Conv2DBackpropFilter.*PatchEmbedding/);
    expect(existsSync(checkpoint)).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    d.dispose();
    model.dispose();
  });

  it('on cpu, which has the kernels, the same model trains', async () => {
    await tf.setBackend('cpu');
    const model = convStem();
    const d = data(1);
    const result = await fit(model, d, { epochs: 1, batchSize: 4, progress: 'none' });
    expect(result.history).toHaveLength(1);
    expect(result.history[0]!.loss).toBeGreaterThan(0);
    d.dispose();
    model.dispose();
  });
});
