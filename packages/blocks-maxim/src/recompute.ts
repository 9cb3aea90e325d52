import * as tf from '@tensorflow/tfjs-core';

/**
 * f(...inputs) whose backward pass recomputes f instead of keeping its intermediates (gradient checkpointing).
 * tfjs keeps every saved forward tensor and every intermediate gradient of a step alive until the whole backward
 * pass ends; a MAXIM UNet at batch 128 needed more than the 4 GiB a wasm heap can hold. Wrapped in a custom gradient
 * (one tape node), a stage keeps only its inputs, and its gradients are computed — and their intermediates freed —
 * one stage at a time, for about a third more forward work. `weights` are the variables f reads: gradients reach
 * them through this node. f must be deterministic (no dropout): the recomputation must replay the forward pass.
 */
export function recompute(f: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], weights: tf.Tensor[]): tf.Tensor {
  const n = inputs.length;
  const run = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xs = args.slice(0, n) as tf.Tensor[];
    save(xs);
    return {
      value: f(...xs),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const sources = [...saved, ...weights];
        // A gradient computed inside a backward pass starts a tape of its own, then clears the engine's tape
        // (and its saved tensors) when it ends: put the outer pass's tape back, which its own end still reads.
        const state = tf.engine().state as unknown as { activeTape: unknown };
        const outer = state.activeTape;
        let result: { value: tf.Tensor; grads: tf.Tensor[] };
        try {
          // allowNoGradients: a weight f does not reach (none here) gets zeros rather than an error.
          result = tf.engine().gradients(() => f(...saved), sources, dy as tf.Tensor, true);
        } finally {
          state.activeTape = outer;
        }
        const { value, grads } = result;
        value.dispose();
        return grads.map((g, i) => g ?? tf.zerosLike(sources[i]!));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...xs: tf.Tensor[]) => tf.Tensor;
  return run(...inputs, ...weights);
}

/**
 * Two tensors of one shape as one [2, n] tensor and back, by products with one-hot rows: the outputs of a
 * recomputed block with two results. tf.concat's gradient is a split, and wasm's Slice and SplitV copy on the
 * JavaScript side (about twenty times slower than a product here).
 */
export function stackPair(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(
    tf.matMul(tf.tensor2d([[1], [0]]), tf.reshape(a, [1, -1])),
    tf.matMul(tf.tensor2d([[0], [1]]), tf.reshape(b, [1, -1])),
  ));
}

/** The inverse of {@link stackPair}: [2, n] → two tensors of `shape`. */
export function unstackPair(t: tf.Tensor, shape: number[]): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => [
    tf.reshape(tf.matMul(tf.tensor2d([[1, 0]]), t as tf.Tensor2D), shape),
    tf.reshape(tf.matMul(tf.tensor2d([[0, 1]]), t as tf.Tensor2D), shape),
  ]);
}
