import * as tf from '@tensorflow/tfjs-core';

/**
 * Causal mask for a token-mixing kernel stored [from token j, to token i] (the project's dense layout, the
 * transpose of PyTorch's [out, in]): 1 where j ≤ i, 0 above. Multiplying the kernel by it also zeroes the
 * gradients of the masked entries, so they never train.
 */
export function causalKernelMask(n: number): tf.Tensor2D {
  return tf.tidy(() => tf.linalg.bandPart(tf.ones([n, n]), 0, -1) as tf.Tensor2D);
}

/**
 * Additive causal mask for attention scores [query i, key j]: 0 where j ≤ i, −1e9 above. The softmax turns
 * the masked scores into exact zeros (exp underflows), as PyTorch's `masked_fill(-inf)` does.
 */
export function causalScoreMask(n: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([n, n]), -1, 0)), -1e9) as tf.Tensor2D);
}
