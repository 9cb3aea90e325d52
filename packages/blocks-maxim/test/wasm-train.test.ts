// The convolutions' gradients are made of Conv2D, so MAXIM trains on wasm (which has no Conv2DBackpropFilter): a real
// fit on wasm lowers the loss, every weight receives a gradient, and the tensor count stays flat over steps.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, checkTrainable } from '@mlp-blocks/core';
import { beforeAll, expect, it } from 'vitest';
import '../src/index.js';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

const spec = { model: 'maxim', imageSize: [8, 6], inputChannels: 1, inputDim: 48, outputDim: 48, features: 4, depth: 2, blockSizeHr: 2, gridSizeHr: 2, blockSizeLr: 2, reduction: 1 };

it('trains on wasm: checkTrainable passes, fit lowers the loss, every weight gets a wasm gradient, no leaks', async () => {
  const model = buildModel(spec);
  checkTrainable(model);
  const clean = tf.randomUniform([16, 48], 0, 1, 'float32', 1);
  const noisy = tf.tidy(() => tf.clipByValue(tf.add(clean, tf.randomNormal([16, 48], 0, 0.25, 'float32', 2)), 0, 1));
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(model.apply(noisy, { training: true }) as tf.Tensor, clean))) as tf.Scalar, vars);
  // Every weight has a finite gradient computed by wasm kernels; a channel-attention squeeze may start with both of
  // its ReLU units off (zero gradient at this initialisation), so nonzero is asked of the others.
  for (const w of model.trainableWeights) {
    const g = grads[(w.read() as tf.Variable).name]!;
    expect(g.shape, w.originalName).toEqual(w.shape);
    const size = tf.max(tf.abs(g)).dataSync()[0]!;
    expect(Number.isFinite(size), w.originalName).toBe(true);
    if (!w.originalName.includes('/attention/')) expect(size, w.originalName).toBeGreaterThan(0);
  }
  tf.dispose([value, ...Object.values(grads)]);
  model.compile({ optimizer: tf.train.adam(3e-3), loss: 'meanSquaredError' });
  const first = await model.fit(noisy, clean, { epochs: 1, batchSize: 8, verbose: 0 });
  const before = tf.memory().numTensors;
  const last = await model.fit(noisy, clean, { epochs: 15, batchSize: 8, verbose: 0 });
  expect(tf.memory().numTensors).toBe(before);
  const losses = last.history['loss'] as number[];
  expect(losses[losses.length - 1]!).toBeLessThan((first.history['loss'] as number[])[0]! * 0.9);
  tf.dispose([clean, noisy]);
  model.dispose();
}, 120_000);
