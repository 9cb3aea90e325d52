import type * as tf from '@tensorflow/tfjs-core';

/**
 * The (input, target) examples of one task on one split, served by batches. This is the whole contract the
 * training package relies on.
 */
export interface TaskData {
  /** "<dataset>/<task>/<split>", e.g. "mnist/denoise/train". */
  readonly name: string;
  /** Number of examples (after ×4 flip augmentation if on). */
  readonly size: number;
  /** Per-example input shape, e.g. [784] (flattened) or [28, 28, 1]. */
  readonly inputShape: number[];
  /** Per-example target shape ([] for integer class labels). */
  readonly targetShape: number[];
  /**
   * The batch for these example indices in this epoch; per-epoch randomness (noise) is a pure function of
   * (seed, epoch, index) so a resumed run sees the same data. The caller disposes x and y.
   */
  batch(indices: ArrayLike<number>, epoch: number): { x: tf.Tensor; y: tf.Tensor };
}
