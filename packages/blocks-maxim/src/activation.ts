import * as tf from '@tensorflow/tfjs-core';

const K = 2 * Math.sqrt(2 / Math.PI);

/**
 * Flax's default GELU (tanh approximation): x/2 · (1 + tanh(√(2/π)(x + 0.044715x³))), computed as
 * x · sigmoid(2√(2/π)(x + 0.044715x³)) — the same function, since (1 + tanh z)/2 = sigmoid(2z) — with x³ as
 * products: on wasm, Tanh and Pow were a third of a MAXIM forward pass.
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    return tf.mul(x, tf.sigmoid(tf.mul(K, tf.add(x, tf.mul(0.044715, cube)))));
  });
}
