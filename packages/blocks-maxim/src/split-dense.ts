import * as tf from '@tensorflow/tfjs-core';
import { dense } from '@mlp-blocks/core';

/**
 * A product with kernel [in, out] (and bias) of the channel concatenation of `parts`, computed as one product per
 * part with its rows of the kernel, summed. On wasm (and blas) a channel concat, and the split its gradient makes,
 * of full-resolution images cost more than the product itself: Slice and SplitV copy on the JavaScript side.
 */
export function denseOfConcat(kernel: tf.Tensor, bias: tf.Tensor | null, parts: tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => {
    const [rowsTotal, units] = kernel.shape as [number, number];
    const channels = parts.reduce((n, p) => n + p.shape[p.rank - 1]!, 0);
    if (channels !== rowsTotal) throw new Error(`denseOfConcat: the parts have ${channels} channels, the kernel ${rowsTotal} rows`);
    if (parts.length === 1) return dense(parts[0]!, kernel, bias);
    let from = 0;
    let sum: tf.Tensor | null = null;
    for (const part of parts) {
      const rows = part.shape[part.rank - 1]!;
      const y = dense(part, tf.slice(kernel, [from, 0], [rows, units]), sum == null ? bias : null);
      sum = sum == null ? y : tf.add(sum, y);
      from += rows;
    }
    return sum!;
  });
}
