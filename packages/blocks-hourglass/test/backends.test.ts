// The same hourglass network on every backend that starts here, against cpu (the numerics reference): forward
// in both modes, the loss gradients, and one Adam step. WebGPU is real: Dawn's OpenGL backend on Mesa's software
// GL (a machine without a GPU); results are read with `await t.data()` because `dataSync()` fails there.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '@mlp-blocks/backends/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourglassMlp } from '../src/index.js';

interface Outcome {
  trainOut: Float32Array;
  evalOut: Float32Array;
  loss: number;
  grads: Float32Array[];
  stepped: Float32Array[];
}

const inputDim = 48;
let weights: Float32Array[] = [];
let shapes: number[][] = [];
let x: Float32Array;
let target: Float32Array;
let reference: Outcome;

const build = (): tfl.Sequential =>
  hourglassMlp({ inputDim, outputDim: inputDim, width: 96, bottleneck: 12, depth: 2, lift: 'fixed', seed: 3 });

async function runOn(): Promise<Outcome> {
  const model = build();
  const initial = weights.map((w, i) => tf.tensor(w, shapes[i]!));
  model.setWeights(initial);
  tf.dispose(initial);
  const xs = tf.tensor2d(x, [16, inputDim]);
  const ys = tf.tensor2d(target, [16, inputDim]);
  const trainOutT = tf.tidy(() => model.apply(xs, { training: true }) as tf.Tensor);
  const evalOutT = tf.tidy(() => model.apply(xs, { training: false }) as tf.Tensor);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossOf = () => tf.mean(tf.square(tf.sub(model.apply(xs, { training: true }) as tf.Tensor, ys))) as tf.Scalar;
  const { value, grads } = tf.variableGrads(lossOf, vars);
  const gradList = vars.map((v) => grads[v.name]!);
  const optimizer = tf.train.adam(1e-2);
  optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: gradList[i]! })));
  const outcome: Outcome = {
    trainOut: (await trainOutT.data()) as Float32Array,
    evalOut: (await evalOutT.data()) as Float32Array,
    loss: (await value.data())[0]!,
    grads: await Promise.all(gradList.map(async (g) => (await g.data()) as Float32Array)),
    stepped: await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array)),
  };
  tf.dispose([xs, ys, trainOutT, evalOutT, value, ...gradList]);
  optimizer.dispose();
  model.dispose();
  return outcome;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

function expectClose(ours: Outcome, ref: Outcome): void {
  expect(maxRelDiff(ours.trainOut, ref.trainOut)).toBeLessThan(1e-4);
  expect(maxRelDiff(ours.evalOut, ref.evalOut)).toBeLessThan(1e-4);
  expect(Math.abs(ours.loss - ref.loss)).toBeLessThan(1e-4 * Math.max(1, ref.loss));
  ours.grads.forEach((g, i) => expect(maxRelDiff(g, ref.grads[i]!), `gradient ${i}`).toBeLessThan(1e-4));
  ours.stepped.forEach((w, i) => expect(maxRelDiff(w, ref.stepped[i]!), `weight ${i} after a step`).toBeLessThan(1e-4));
}

beforeAll(async () => {
  await useBackend('cpu');
  const model = build();
  weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  shapes = model.getWeights().map((w) => w.shape);
  model.dispose();
  x = tf.tidy(() => tf.randomUniform([16, inputDim], 0, 1, 'float32', 11).dataSync() as Float32Array);
  target = tf.tidy(() => tf.randomUniform([16, inputDim], 0, 1, 'float32', 12).dataSync() as Float32Array);
  reference = await runOn();
});

afterAll(async () => {
  await useBackend('cpu');
});

describe('hourglass network across backends (cpu is the reference)', () => {
  it('the reference itself is non-trivial: training and eval outputs differ, gradients are non-zero', () => {
    expect(maxRelDiff(reference.trainOut, reference.evalOut)).toBeGreaterThan(1e-3);
    expect(Math.max(...reference.grads.map((g) => Math.max(...g.map(Math.abs))))).toBeGreaterThan(1e-4);
  });

  it('wasm equals cpu within 1e-4: forward, gradients, one Adam step', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    expectClose(await runOn(), reference);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('webgpu (Dawn on Mesa software GL) equals cpu within 1e-4: forward, gradients, one Adam step', async () => {
    const choice = await useBackend('webgpu');
    expect(choice.detail).toMatch(/adapter:/);
    const before = tf.memory().numTensors;
    expectClose(await runOn(), reference);
    expect(tf.memory().numTensors).toBe(before);
  });
});
