import * as tf from '@tensorflow/tfjs-core';

const K = 2 * Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** sigmoid(2√(2/π)(x + 0.044715x³)), the gate of the tanh-form GELU. */
function gate(x: tf.Tensor): tf.Tensor {
  return tf.sigmoid(tf.mul(K, tf.add(x, tf.mul(A, tf.mul(tf.mul(x, x), x)))));
}

/**
 * Flax's default GELU (tanh approximation): x/2 · (1 + tanh(√(2/π)(x + 0.044715x³))), computed as x · s with
 * s = sigmoid(2√(2/π)(x + 0.044715x³)) — the same function, since (1 + tanh z)/2 = sigmoid(2z) — with x³ as
 * products (on wasm, Tanh and Pow were a third of a MAXIM forward pass). A custom gradient,
 * s + x·s(1 − s)·2√(2/π)(1 + 3·0.044715x²), keeps only x for the backward pass: autodiff of the products kept
 * eight tensors the size of x, most of a training step's memory.
 */
export const geluTanh: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.mul(x, gate(x)),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const xs = saved[0]!;
      const s = gate(xs);
      const slope = tf.mul(K, tf.add(1, tf.mul(3 * A, tf.mul(xs, xs))));
      const d = tf.add(s, tf.mul(tf.mul(xs, tf.mul(s, tf.sub(1, s))), slope));
      return [tf.mul(dy as tf.Tensor, d)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
