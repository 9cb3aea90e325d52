// Parity with the authors' network in PyTorch: fixtures written by fixtures/make_fixtures.py under Debian's
// python3-torch (see fixtures/README.md for the command). Weights there are [out, in]; tfjs kernels are [in, out].
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensorflowSkipReason } from '../../../test-support/tensorflow.js';
import { FIXTURES, type Matrix, kernel as t, loadFixture as load, maxAbsDiff, namedWeights, networkFor } from '../fixtures/torch-fixture.js';

// cpu, and tensorflow (libtensorflow) where it is provisioned; each case sets its backend.
const tensorflowSkip = await tensorflowSkipReason();
const BACKENDS = ['cpu', ...(tensorflowSkip ? [] : ['tensorflow'])];
if (tensorflowSkip) describe.skip(`PyTorch parity on tensorflow: ${tensorflowSkip}`, () => {
  it.each(FIXTURES.map((c) => c.file))('%s', () => {});
});

const CASES = BACKENDS.flatMap((backend) => FIXTURES.map((c) => ({ ...c, backend })));
describe.each(CASES)('PyTorch parity on $backend: $file', ({ file, kind, backend }) => {
  const f = load(file);
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('matches the training-mode output and the updated batch-norm running statistics within 1e-5', () => {
    const model = networkFor(f, kind);
    const x = tf.tensor2d(f.x);
    const y = model.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDiff(y, f.train_output)).toBeLessThan(1e-5);
    f.running_mean.forEach((mean, i) => {
      const block = model.getLayer(`block_${i + 1}`);
      const stats = Object.fromEntries(block.weights.map((w) => [w.originalName.split('/').pop(), w.read()]));
      expect(maxAbsDiff(stats['running_mean']!, mean)).toBeLessThan(1e-5);
      expect(maxAbsDiff(stats['running_var']!, f.running_var[i]!)).toBeLessThan(1e-5);
    });
    // Evaluation mode uses the running statistics the training pass just updated.
    const e = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(e, f.eval_output)).toBeLessThan(1e-5);
    expect(maxAbsDiff(e, f.train_output)).toBeGreaterThan(1e-3); // the two modes really differ
    tf.dispose([x, y, e]);
    model.dispose();
  });

  it('matches the MSE loss and every trainable gradient', () => {
    const model = networkFor(f, kind);
    const x = tf.tensor2d(f.x);
    const target = tf.tensor2d(f.target);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target))) as tf.Scalar, vars);
    expect(Math.abs(value.dataSync()[0]! - f.loss)).toBeLessThan(1e-6);
    const expected: [string, Matrix][] = namedWeights(f.grads);
    expect(model.trainableWeights.map((w) => w.originalName).sort()).toEqual(expected.map(([n]) => n).sort());
    for (const [name, g] of expected) {
      const w = model.trainableWeights.find((v) => v.originalName === name)!;
      const ours = grads[(w.read() as tf.Variable).name]!;
      const ref = t(g);
      const scale = tf.tidy(() => tf.max(tf.abs(ref)).dataSync()[0]!);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]!);
      expect(diff, name).toBeLessThan(1e-5 * Math.max(1, scale));
      ref.dispose();
    }
    tf.dispose([x, target, value, ...Object.values(grads)]);
    model.dispose();
  });
});
