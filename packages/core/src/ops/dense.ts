import * as tf from '@tensorflow/tfjs-core';
import { product, productsTransposeFree } from './kernels.js';

/*
 * y = x·W with a hand-written gradient whose products transpose explicitly where the backend is slow at
 * transposed operands: autodiff of tf.matMul sets transposeA/transposeB, which the stock wasm backend runs
 * several times slower than an explicit transpose followed by a plain matMul (see `product`).
 */
const matMulExplicitGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    // In a tidy: tfjs keeps a custom gradient's intermediates (the transposes) until backward ends otherwise.
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.tidy(() => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [product(g, ws, false, true), product(xs, g, true, false)];
    }),
  };
});

/*
 * x·W + b as one tape node: the bias add would otherwise be a second node whose activation-sized gradient
 * tfjs keeps until the backward pass ends.
 */
const matMulBiasExplicitGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    // A transpose-free backend (blas) adds the bias inside its product, after it, as the separate Add would:
    // the same values without a second pass over the output and a kernel call.
    value: productsTransposeFree()
      ? tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b })
      : tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.tidy(() => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [product(g, ws, false, true), product(xs, g, true, false), tf.sum(g, 0)];
    }),
  };
});

/**
 * Dense op for inputs of any rank ≥ 2: `[..., inDim] · [inDim, units] (+ bias)`. Leading axes are folded
 * into one so the matmul stays 2-D (the shape the fast wasm path handles).
 */
export function dense(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const inDim = kernel.shape[0]!;
    const units = kernel.shape[1]!;
    const lead = x.shape.slice(0, -1);
    if (x.shape[x.rank - 1] !== inDim) {
      throw new Error(`dense: input's last axis is ${x.shape[x.rank - 1]} but the kernel expects ${inDim} (input shape [${x.shape.join(', ')}])`);
    }
    const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
    const y = bias != null ? matMulBiasExplicitGrad(flat, kernel, bias) : matMulExplicitGrad(flat, kernel);
    return x.rank === 2 ? y : tf.reshape(y, [...lead, units]);
  });
}

/** The same product through tfjs autodiff; the reference the custom gradient is tested against. */
export function denseAutodiff(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const inDim = kernel.shape[0]!;
    const flat = tf.reshape(x, [-1, inDim]);
    let y: tf.Tensor = tf.matMul(flat as tf.Tensor2D, kernel as tf.Tensor2D);
    if (bias != null) y = tf.add(y, bias);
    return tf.reshape(y, [...x.shape.slice(0, -1), kernel.shape[1]!]);
  });
}
