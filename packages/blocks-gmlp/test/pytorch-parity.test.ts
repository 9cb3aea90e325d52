// Parity with an independent PyTorch gMLP/aMLP: fixtures written by fixtures/make_fixtures.py under Debian's
// python3-torch (see fixtures/README.md). Every weight is non-trivial there (full spatial matrices, random norms),
// so the stem layout, the split order, the causal masks and the tiny attention all show in the numbers.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensorflowSkipReason } from '../../../test-support/tensorflow.js';
import { FIXTURES, loadFixture, maxAbs, maxAbsDiff, networkFor, toTfjs } from '../fixtures/torch-fixture.js';

// The backends for Node: cpu, wasm (its own kernels), and tensorflow (libtensorflow) where it is provisioned.
const tensorflowSkip = await tensorflowSkipReason();
const BACKENDS = ['cpu', 'wasm', ...(tensorflowSkip ? [] : ['tensorflow'])];
const CASES = BACKENDS.flatMap((backend) => FIXTURES.map((file) => ({ backend, file })));
if (tensorflowSkip) describe.skip(`PyTorch parity on tensorflow: ${tensorflowSkip}`, () => {
  it.each(FIXTURES)('%s', () => {});
});

describe.each(CASES)('PyTorch parity on $backend: $file', ({ backend, file }) => {
  const f = loadFixture(file);
  beforeAll(async () => {
    // setBackend resolves to false (and logs) if the wasm binary cannot be loaded: that must fail.
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('forward output within 1e-5 (and the causal prefix on a shorter input)', () => {
    const before = tf.memory().numTensors;
    const model = networkFor(f);
    const x = tf.tensor(f.x as number[]);
    const y = model.predict(x) as tf.Tensor;
    expect(maxAbs(y)).toBeGreaterThan(0.1); // a real signal, not zeros vs zeros
    expect(maxAbsDiff(y, f.output)).toBeLessThan(1e-5);
    if (f.short_len !== undefined) {
      const xs = tf.slice(x, [0, 0], [-1, f.short_len]);
      const ys = model.predict(xs) as tf.Tensor;
      expect(ys.shape[1]).toBe(f.short_len);
      expect(maxAbsDiff(ys, f.short_output!)).toBeLessThan(1e-5);
      tf.dispose([xs, ys]);
    }
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('MSE loss and the gradient of every parameter within 1e-4', () => {
    const model = networkFor(f);
    const x = tf.tensor(f.x as number[]);
    const target = tf.tensor(f.target as number[]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target))) as tf.Scalar, vars);
    expect(Math.abs(value.dataSync()[0]! - f.loss)).toBeLessThan(1e-5);
    const names = model.trainableWeights.map((w) => w.originalName).sort();
    const expected = Object.entries(f.grads).map(([key, g]) => toTfjs(key, g));
    expect(expected.map(([n]) => n).sort()).toEqual(names);
    for (const [name, ref] of expected) {
      const w = model.trainableWeights.find((v) => v.originalName === name)!;
      const ours = grads[(w.read() as tf.Variable).name]!;
      expect(maxAbsDiff(ours, ref), name).toBeLessThan(1e-4);
      ref.dispose();
    }
    // Causal: the masked spatial entries (kernel [from j, to i] with j > i) get no gradient at all.
    if (f.config.causal) {
      const w = model.trainableWeights.find((v) => v.originalName === 'block_1/sgu/spatial_kernel')!;
      const g = grads[(w.read() as tf.Variable).name]!;
      const [masked, kept] = tf.tidy(() => [tf.sub(g, tf.linalg.bandPart(g, 0, -1)), tf.linalg.bandPart(g, 0, -1)]);
      expect(maxAbs(masked!)).toBe(0);
      expect(maxAbs(kept!)).toBeGreaterThan(0);
      tf.dispose([masked!, kept!]);
    }
    tf.dispose([x, target, value, ...Object.values(grads)]);
    model.dispose();
  });
});
