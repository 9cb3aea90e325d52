import * as tf from '@tensorflow/tfjs-core';
import { mix32, SeededRandom, validate } from '@mlp-blocks/core';
import type { TaskData } from './task-data.js';

/** How `iterate` walks a data set in one epoch. */
export interface IterateOptions {
  /** Examples per batch. */
  batchSize: number;
  /** Seed of the shuffle (default 0). The order of an epoch is a pure function of (seed, epoch). */
  seed?: number;
  /** Epoch number (default 0): picks the shuffle and is passed to `batch()` (fresh denoising noise). */
  epoch?: number;
  /** Shuffle the examples (default true); false walks them in order. */
  shuffle?: boolean;
  /** Drop a last batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Skip this many batches first, e.g. to resume an epoch (default 0). */
  startBatch?: number;
}

/** One batch from `iterate`: disposed by the iterator when the loop moves on or ends. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  /** The example indices of this batch. */
  readonly indices: Int32Array;
  /** Batch number within the epoch. */
  readonly step: number;
  readonly epoch: number;
}

const OWNER = 'iterate';

/** The example order of one epoch: a seeded Fisher–Yates shuffle of 0…size−1 (or the identity). */
export function epochOrder(size: number, seed = 0, epoch = 0, shuffle = true): Int32Array {
  const order = new Int32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  if (!shuffle) return order;
  const rng = new SeededRandom(mix32((mix32(seed) + epoch) >>> 0));
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** Number of batches `iterate` yields for a data set of `size` examples. */
export function batchCount(size: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/**
 * Yields the batches of one epoch, shuffled with a seed:
 *
 *     for await (const { x, y } of iterate(data, { batchSize: 128, seed: 1, epoch })) { ... }
 *
 * Each batch's tensors are created by `data.batch()` and disposed by the iterator as soon as the loop body
 * finishes (or breaks / throws): clone anything that must outlive the iteration.
 */
export async function* iterate(data: TaskData, options: IterateOptions): AsyncGenerator<Batch, void, undefined> {
  validate.knownOptions(OWNER, options, ['batchSize', 'seed', 'epoch', 'shuffle', 'dropLast', 'startBatch']);
  const batchSize = validate.positiveInt(OWNER, 'batchSize', options.batchSize);
  const seed = validate.seed32(OWNER, 'seed', options.seed ?? 0);
  const epoch = validate.nonNegativeInt(OWNER, 'epoch', options.epoch ?? 0);
  const shuffle = validate.boolean(OWNER, 'shuffle', options.shuffle ?? true);
  const dropLast = validate.boolean(OWNER, 'dropLast', options.dropLast ?? false);
  const startBatch = validate.nonNegativeInt(OWNER, 'startBatch', options.startBatch ?? 0);
  const order = epochOrder(data.size, seed, epoch, shuffle);
  const steps = batchCount(data.size, batchSize, dropLast);
  for (let step = startBatch; step < steps; step++) {
    const indices = order.subarray(step * batchSize, Math.min(data.size, (step + 1) * batchSize));
    const { x, y } = data.batch(indices, epoch);
    try {
      yield { x, y, indices, step, epoch };
    } finally {
      tf.dispose([x, y]);
    }
  }
}
