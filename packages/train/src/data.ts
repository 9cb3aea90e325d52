import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@mlp-blocks/core';

/**
 * A training or evaluation set as `fit` sees it: example count, per-example shapes, and batches by index.
 * Structural on purpose: `@mlp-blocks/datasets` exports an identical `TaskData`, so its sets pass straight in.
 */
export interface FitData {
  readonly name: string;
  readonly size: number;
  readonly inputShape: number[];
  readonly targetShape: number[];
  /** Batch for these example indices in this epoch; caller disposes x and y. Deterministic in (indices, epoch). */
  batch(indices: ArrayLike<number>, epoch: number): { x: tf.Tensor; y: tf.Tensor };
}

/**
 * FitData over in-memory tensors whose first axis is the example axis (inputs and targets, or integer labels).
 * Keeps its own copies, so the caller may dispose `x` and `y`; call `dispose()` on the result when done.
 */
export function arrayData(x: tf.Tensor, y: tf.Tensor, name = 'arrays'): FitData & {
  /** Frees the copies of x and y. */
  dispose(): void;
} {
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) {
    throw new ConfigError('arrayData', 'y', `a tensor with ${x.shape[0]} examples like x`, y.shape,
      `arrayData: x and y need the same number of examples along axis 0, received shapes [${x.shape}] and [${y.shape}]`);
  }
  const xs = tf.clone(x);
  const ys = tf.clone(y);
  return {
    name,
    size: x.shape[0]!,
    inputShape: x.shape.slice(1),
    targetShape: y.shape.slice(1),
    batch(indices) {
      return tf.tidy(() => {
        const idx = tf.tensor1d(Int32Array.from(indices), 'int32');
        return { x: tf.gather(xs, idx), y: tf.gather(ys, idx) };
      });
    },
    dispose() {
      xs.dispose();
      ys.dispose();
    },
  };
}

/** Checks the parts of a FitData that `fit` relies on, naming the option and what was received. */
export function checkFitData(owner: string, option: string, data: FitData): void {
  if (data == null || typeof data !== 'object' || typeof data.batch !== 'function') {
    throw new ConfigError(owner, option, 'a FitData object with a batch(indices, epoch) method', data);
  }
  if (!Number.isInteger(data.size) || data.size <= 0) {
    throw new ConfigError(owner, `${option}.size`, 'a positive integer', data.size);
  }
}

/** Number of batches of `batchSize` covering `size` examples (the last one may be smaller). */
export function batchCount(size: number, batchSize: number): number {
  return Math.ceil(size / batchSize);
}
