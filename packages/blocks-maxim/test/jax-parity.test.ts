// Parity with an independent Flax re-implementation of MAXIM's blocks: fixtures written by
// fixtures/make_fixtures.py (see fixtures/README.md). Every parameter is random there (norm scales around one),
// and the shapes are non-square and not multiples of the block and grid sizes, so layouts, orders, padding and the
// jax.image.resize weights all show in the numbers.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, keyOf, loadFixture, maxAbs, maxAbsDiff, modelFor } from '../fixtures/jax-fixture.js';

const asList = (t: tf.Tensor | tf.Tensor[]) => (Array.isArray(t) ? t : [t]);
type Nested = number | Nested[];
const largest = (a: Nested): number => (Array.isArray(a) ? Math.max(...a.map(largest)) : Math.abs(a));
/**
 * The gradient tolerance: 1e-4, scaled by the gradient's size. The fixtures' loss is a mean, so gradients are of
 * order 1e-2 and a flat 1e-4 would allow percent-level errors; this asks 1e-4 of the largest entry (at least 1e-2).
 * Measured: at most 5.2e-8 absolute, the fixtures' 7-decimal rounding.
 */
const relative = (ref: Nested) => 1e-4 * Math.max(largest(ref), 1e-2);

describe.each(FIXTURES)('Flax parity: %s', (name) => {
  const f = loadFixture(name);

  describe('on cpu', () => {
    beforeAll(async () => {
      expect(await tf.setBackend('cpu')).toBe(true);
    });

    it('forward within 1e-5, in inference and in training mode', () => {
      const before = tf.memory().numTensors;
      const model = modelFor(f);
      const xs = f.inputs.map((x) => tf.tensor(x as number[]));
      for (const training of [false, true]) {
        const ys = asList(training ? model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[] : model.predict(xs) as tf.Tensor | tf.Tensor[]);
        expect(ys.length).toBe(f.outputs.length);
        ys.forEach((y, k) => {
          expect(maxAbs(y)).toBeGreaterThan(0.1); // a real signal, not zeros vs zeros
          expect(maxAbsDiff(y, f.outputs[k]!)).toBeLessThan(1e-5);
        });
        tf.dispose(ys);
      }
      tf.dispose(xs);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('gradients of the inputs and of every parameter within 1e-4 of their size', () => checkGradients(f));
  });

  describe('on wasm', () => {
    beforeAll(async () => {
      // setBackend resolves to false (and logs) if the wasm binary cannot be loaded: that must fail.
      expect(await tf.setBackend('wasm')).toBe(true);
    });

    it('forward within 1e-5', () => {
      const model = modelFor(f);
      const xs = f.inputs.map((x) => tf.tensor(x as number[]));
      const ys = asList(model.predict(xs) as tf.Tensor | tf.Tensor[]);
      ys.forEach((y, k) => expect(maxAbsDiff(y, f.outputs[k]!)).toBeLessThan(1e-5));
      tf.dispose([...xs, ...ys]);
      model.dispose();
    });

    // wasm (like blas, which runs its kernels) has Conv2D and Conv2DBackpropInput but no Conv2DBackpropFilter:
    // this is the convolutions' custom gradient on XNNPACK, and the recomputed stages' gradients.
    it('gradients of the inputs and of every parameter within 1e-4 of their size', () => checkGradients(f));
  });
});

/** The fixture's gradients (mean(output · cot)) against ours on the active backend, with no tensor left behind. */
function checkGradients(f: ReturnType<typeof loadFixture>): void {
  const before = tf.memory().numTensors;
  const model = modelFor(f);
  const xs = f.inputs.map((x) => tf.tensor(x as number[]));
  const cots = f.cots.map((c) => tf.tensor(c as number[]));
  const loss = (...ins: tf.Tensor[]) => tf.tidy(() => {
    const ys = asList(model.apply(ins, { training: true }) as tf.Tensor | tf.Tensor[]);
    return tf.addN(ys.map((y, k) => tf.mean(tf.mul(y, cots[k]!)))) as tf.Scalar; // the fixtures' mean(output · cot)
  });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => loss(...xs), vars);
  expect(Object.keys(f.param_grads).sort()).toEqual(model.trainableWeights.map((w) => keyOf(f, w.originalName)).sort());
  for (const w of model.trainableWeights) {
    const ours = grads[(w.read() as tf.Variable).name]!;
    const ref = f.param_grads[keyOf(f, w.originalName)]!;
    expect(maxAbsDiff(ours, ref), w.originalName).toBeLessThan(relative(ref));
  }
  const inputGrads = tf.grads((...ins: tf.Tensor[]) => loss(...ins))(xs);
  inputGrads.forEach((g, k) => expect(maxAbsDiff(g, f.input_grads[k]!), `input ${k}`).toBeLessThan(relative(f.input_grads[k]!)));
  tf.dispose([value, ...Object.values(grads), ...inputGrads, ...xs, ...cots]);
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
