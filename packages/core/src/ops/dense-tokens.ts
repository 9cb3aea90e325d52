// A dense layer along the token axis of [batch, tokens, channels]: token mixing (gMLP's spatial projection,
// Mixer's token MLP) without moving the activation. Where the backend multiplies transposed and broadcast
// operands at full speed (blas), it is one batched product per call — kernelᵀ·x[b] for every b — and its
// gradient two more; elsewhere it swaps the axes, runs the dense op and swaps back, as the blocks did before.
import * as tf from '@tensorflow/tfjs-core';
import { dense } from './dense.js';
import { productsTransposeFree } from './kernels.js';

const swap = (t: tf.Tensor) => tf.transpose(t, [0, 2, 1]);
/** kernel [n, m] as a batch of one, broadcast over the batch by the product. */
const one = (kernel: tf.Tensor) => tf.reshape(kernel, [1, kernel.shape[0]!, kernel.shape[1]!]) as tf.Tensor3D;

/** kernelᵀ·x[b] for each b: [1, n, m]ᵀ · [b, n, c] → [b, m, c]. */
const mix = (x: tf.Tensor, kernel: tf.Tensor) =>
  tf.matMul(one(kernel), x as tf.Tensor3D, true, false);

/** The gradients shared by both variants: dx[b] = kernel·dy[b], dkernel = Σ_b x[b]·dy[b]ᵀ. */
const mixGrads = (x: tf.Tensor, kernel: tf.Tensor, dy: tf.Tensor) => [
  tf.matMul(one(kernel), dy as tf.Tensor3D),
  tf.sum(tf.matMul(x as tf.Tensor3D, dy as tf.Tensor3D, false, true), 0),
];

const mixNoBias = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, kernel, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, kernel]);
  return {
    value: mix(x, kernel),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
      tf.tidy(() => mixGrads(saved[0]!, saved[1]!, dy as tf.Tensor)),
  };
});

const mixBias = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, kernel, bias, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, kernel]);
  return {
    // the bias is per output token: a column [m, 1] broadcast over batch and channels
    value: tf.add(mix(x, kernel), tf.reshape(bias, [bias.size, 1])),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.tidy(() => {
      const g = dy as tf.Tensor;
      // Σ over batch first (a leading-axis sum), then over channels
      return [...mixGrads(saved[0]!, saved[1]!, g), tf.sum(tf.sum(g, 0), 1)];
    }),
  };
});

/**
 * out[b, j, c] = Σᵢ x[b, i, c]·kernel[i, j] (+ bias[j]) for x [batch, n, channels], kernel [n, m], bias [m]:
 * `dense` applied along axis 1. The same values as swapping axes 1 and 2, `dense`, and swapping back (to float32
 * rounding: the sums may run in another order).
 */
export function denseTokens(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    if (x.rank !== 3 || kernel.rank !== 2 || x.shape[1] !== kernel.shape[0]) {
      throw new Error(`denseTokens: expected x [batch, ${kernel.shape[0]}, channels] for a kernel [${kernel.shape.join(', ')}], received x [${x.shape.join(', ')}]`);
    }
    if (!productsTransposeFree() || x.dtype !== 'float32') return swap(dense(swap(x), kernel, bias));
    return bias != null ? mixBias(x, kernel, bias) : mixNoBias(x, kernel);
  });
}
