// Schedules, losses and metrics against PyTorch (fixtures/make_fixtures.py) and hand computations.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients of core ops
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accuracy, batchPsnr, constantLr, cosineDecay, evaluate, arrayData, linearDecay, makeSchedule, mse, psnrOfMse,
  softmaxCrossEntropy, withWarmup,
} from '../src/index.js';
import * as tfl from '@tensorflow/tfjs-layers';

const ref = JSON.parse(readFileSync(new URL('../fixtures/train_reference.json', import.meta.url), 'utf8'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const close = (got: number[], want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `index ${i}: ${g} vs ${want[i]}`).toBeLessThan(tol));
};

describe('learning-rate schedules match PyTorch step for step', () => {
  const at = (s: { at(t: number): number }, n: number) => Array.from({ length: n }, (_, t) => s.at(t));

  it('linear decay to 0 (LambdaLR 1 − t/T), and stays at 0 past the end', () => {
    const r = ref.schedules.linear;
    const s = linearDecay(r.lr, r.totalSteps);
    close(at(s, r.lrs.length), r.lrs, 1e-12);
    expect(s.at(r.totalSteps + 5)).toBe(0);
    expect(makeSchedule({ kind: 'linear', lr: r.lr, totalSteps: r.totalSteps }).at(7)).toBe(s.at(7));
  });

  it('cosine annealing to minLr (CosineAnnealingLR)', () => {
    const r = ref.schedules.cosine;
    close(at(cosineDecay(r.lr, r.totalSteps, r.minLr), r.lrs.length), r.lrs, 1e-12);
  });

  it.each(['warmup_linear', 'warmup_cosine'])('%s: LinearLR warm-up then the decay (SequentialLR)', (key) => {
    const r = ref.schedules[key];
    const kind = key === 'warmup_linear' ? 'linear' : 'cosine';
    const s = makeSchedule({ kind, lr: r.lr, totalSteps: r.totalSteps, warmupSteps: r.warmupSteps, warmupStart: r.warmupStart });
    close(at(s, r.lrs.length), r.lrs, 1e-12);
    // The same through explicit composition.
    const inner = kind === 'linear' ? linearDecay(r.lr, r.totalSteps - r.warmupSteps) : cosineDecay(r.lr, r.totalSteps - r.warmupSteps);
    close(at(withWarmup(inner, r.warmupSteps, r.warmupStart), r.lrs.length), r.lrs, 1e-12);
  });

  it('warm-up from 0 by default; constant is constant', () => {
    const s = withWarmup(constantLr(0.1), 4);
    close(at(s, 6), [0, 0.025, 0.05, 0.075, 0.1, 0.1], 1e-15);
  });

  it('names bad options', () => {
    expect(() => linearDecay(1e-3, 0)).toThrow('schedule: option "totalSteps" must be a positive integer, received 0');
    expect(() => makeSchedule({ kind: 'step' as never, lr: 1, totalSteps: 3 })).toThrow('schedule: option "kind" must be one of "linear", "cosine", "constant", received "step"');
    expect(() => makeSchedule({ kind: 'linear', lr: 1, totalSteps: 3, warmupSteps: 3 })).toThrow('option "warmupSteps" must be fewer than the 3 training steps, received 3');
  });
});

describe('losses match PyTorch, values and gradients', () => {
  const L = ref.losses;
  const logits = () => tf.tensor2d(L.logits, L.shape);

  it('softmax cross-entropy with integer labels (F.cross_entropy)', () => {
    const x = logits();
    const y = tf.tensor1d(L.labels, 'int32');
    const value = softmaxCrossEntropy(x, y);
    const g = tf.grad((z: tf.Tensor) => softmaxCrossEntropy(z, y))(x);
    expect(Math.abs(value.dataSync()[0]! - L.cross_entropy)).toBeLessThan(1e-6);
    close(Array.from(g.dataSync()), L.cross_entropy_grad, 1e-6);
    tf.dispose([x, y, value, g]);
  });

  it('softmax cross-entropy with float labels and one-hot rows give the integer-label value', () => {
    const x = logits();
    const soft = tf.tensor2d(L.soft_labels, L.shape);
    const g = tf.grad((z: tf.Tensor) => softmaxCrossEntropy(z, soft))(x);
    expect(Math.abs(softmaxCrossEntropy(x, soft).dataSync()[0]! - L.cross_entropy_soft)).toBeLessThan(1e-6);
    close(Array.from(g.dataSync()), L.cross_entropy_soft_grad, 1e-6);
    const onehot = tf.oneHot(tf.tensor1d(L.labels, 'int32'), L.shape[1]);
    const floatLabels = tf.tensor1d(L.labels, 'float32');
    expect(Math.abs(softmaxCrossEntropy(x, onehot).dataSync()[0]! - L.cross_entropy)).toBeLessThan(1e-6);
    expect(Math.abs(softmaxCrossEntropy(x, floatLabels).dataSync()[0]! - L.cross_entropy)).toBeLessThan(1e-6);
    tf.dispose([x, soft, g, onehot, floatLabels]);
  });

  it('mse (F.mse_loss) and its gradient', () => {
    const p = tf.tensor2d(L.pred, L.mse_shape);
    const t = tf.tensor2d(L.target, L.mse_shape);
    expect(Math.abs(mse(p, t).dataSync()[0]! - L.mse)).toBeLessThan(1e-7);
    const g = tf.grad((z: tf.Tensor) => mse(z, t))(p);
    close(Array.from(g.dataSync()), L.mse_grad, 1e-7);
    tf.dispose([p, t, g]);
  });

  it('accuracy with integer and one-hot labels', async () => {
    const x = logits();
    const y = tf.tensor1d(L.labels, 'int32');
    const oh = tf.oneHot(y, L.shape[1]);
    expect(await accuracy(x, y)).toBeCloseTo(L.accuracy, 7);
    expect(await accuracy(x, oh)).toBeCloseTo(L.accuracy, 7);
    expect(await accuracy(tf.tensor2d([[1, 2], [3, 0], [0, 1], [5, 4]]), tf.tensor1d([1, 0, 0, 0]))).toBe(0.75);
    tf.dispose([x, y, oh]);
  });

  it('rejects mismatched labels with the shapes', () => {
    const x = logits();
    expect(() => softmaxCrossEntropy(x, tf.zeros([3, 2]))).toThrow('softmaxCrossEntropy: labels must be [6] class indices or [6, 5] one-hot rows, received [3,2]');
    x.dispose();
  });
});

describe('PSNR as the Hourglass paper computes it', () => {
  const P = ref.psnr;

  it('is 10·log10(1/MSE) of each batch, averaged weighted by batch size', () => {
    expect(psnrOfMse(0.01)).toBeCloseTo(20, 12);
    expect(psnrOfMse(0.25, 2)).toBeCloseTo(10 * Math.log10(16), 12);
    expect(Math.abs(batchPsnr(P.batch_mses) - P.psnr_batched)).toBeLessThan(1e-9);
  });

  it('evaluate() reports the batch-weighted PSNR (not the global-MSE one) over a model\'s outputs', async () => {
    // An identity "model" whose output is the reconstruction: feed recon as input, images as target.
    const recon = tf.tensor2d(P.recon, P.shape);
    const images = tf.tensor2d(P.images, P.shape);
    const data = arrayData(recon, images);
    const model = tfl.sequential({ layers: [tfl.layers.activation({ activation: 'linear', inputShape: [P.shape[1]] })] });
    const before = tf.memory().numTensors;
    const ev = await evaluate(model, data, { batchSize: P.batch_size });
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(ev.metric - P.psnr_batched)).toBeLessThan(1e-4);
    expect(Math.abs(ev.metric - P.psnr_global)).toBeGreaterThan(0.1); // the two definitions really differ here
    const meanMse = P.batch_mses.reduce((s: number, [e, n]: [number, number]) => s + e * n, 0) / P.shape[0];
    expect(Math.abs(ev.loss - meanMse)).toBeLessThan(1e-7);
    tf.dispose([recon, images]);
    data.dispose();
    model.dispose();
  });
});
