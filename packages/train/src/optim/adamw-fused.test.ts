import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../index.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs `steps` AdamW steps on two variables with fixed pseudo-random gradients; returns the final values' bytes. */
function run(fused: boolean, weightDecay: number, steps: number): Uint8Array[] {
  const a = tf.tidy(() => tf.variable(tf.randomNormal([37, 5], 0, 1, 'float32', 1), true, `a_${fused}_${weightDecay}_${steps}`));
  const b = tf.tidy(() => tf.variable(tf.randomNormal([11], 0, 3, 'float32', 2), true, `b_${fused}_${weightDecay}_${steps}`));
  const opt = new AdamW({ learningRate: 3e-3, weightDecay, fused });
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      // Gradients of very different scales, some exactly zero, so rounding paths differ if the order did.
      const ga = tf.mul(tf.randomNormal([37, 5], 0, 1, 'float32', 10 + s), s % 3 === 0 ? 1e-4 : 10);
      const gb = tf.where(tf.greater(tf.randomUniform([11], 0, 1, 'float32', 20 + s), 0.7), tf.zerosLike(b), tf.randomNormal([11], 0, 1, 'float32', 30 + s));
      opt.applyGradients({ [a.name]: ga, [b.name]: gb });
    });
  }
  const bytes = (t: tf.Tensor) => new Uint8Array((t.dataSync() as Float32Array).slice().buffer);
  const out = [bytes(a), bytes(b)];
  tf.dispose([a, b]);
  opt.dispose();
  return out;
}

describe.each(['cpu', 'wasm'] as const)('AdamW fused update on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it.each([0.01, 0])('is bit-identical to the thirteen-kernel update over 12 steps (weight decay %s)', (wd) => {
    const before = tf.memory().numTensors;
    const fused = run(true, wd, 12);
    const plain = run(false, wd, 12);
    expect(fused).toEqual(plain);
    // And the update did something: the parameters moved from their initial values.
    expect(fused).not.toEqual(run(true, wd, 0));
    expect(tf.memory().numTensors).toBe(before);
  });

});

describe('AdamW fused option', () => {
  it('refuses a non-boolean value, naming it', () => {
    expect(() => new AdamW({ learningRate: 1e-3, fused: 'yes' as never })).toThrow(/AdamW: option "fused" must be true or false, received "yes"/);
  });
});
