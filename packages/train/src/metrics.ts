import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@mlp-blocks/core';

/** The metric names `fit` and `evaluate` report. */
export const METRICS = ['psnr', 'accuracy', 'none'] as const;
/** One of METRICS. */
export type MetricName = (typeof METRICS)[number];

/** PSNR in dB of a mean squared error: 10·log10(range² / mse). Infinite for a perfect match. */
export function psnrOfMse(mse: number, dataRange = 1): number {
  return 10 * Math.log10((dataRange * dataRange) / mse);
}

/** Number of rows whose arg-max logit equals the label (class index [batch] or one-hot [batch, classes]). */
export function correctCount(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (logits.rank !== 2) throw new ShapeError(`accuracy: logits must be [batch, classes], received [${logits.shape}]`);
  return tf.tidy(() => {
    const predicted = tf.argMax(logits, 1);
    const truth = labels.rank === 2 && labels.shape[1] === logits.shape[1] ? tf.argMax(labels, 1) : tf.cast(tf.reshape(labels, [-1]), 'int32');
    if (truth.size !== predicted.size) throw new ShapeError(`accuracy: ${truth.size} labels for a batch of ${predicted.size}`);
    return tf.sum(tf.cast(tf.equal(predicted, truth), 'float32')) as tf.Scalar;
  });
}

/** Fraction of rows whose arg-max logit equals the label (class index [batch] or one-hot [batch, classes]). */
export async function accuracy(logits: tf.Tensor, labels: tf.Tensor): Promise<number> {
  const correct = correctCount(logits, labels);
  const n = (await correct.data())[0]!;
  correct.dispose();
  return n / logits.shape[0]!;
}

/**
 * Accumulates a per-batch metric averaged over batches weighted by batch size. For PSNR this is the
 * Hourglass paper's definition: PSNR (data range 1) of each batch's whole MSE, then the batch-size-weighted
 * mean over batches (not the PSNR of the data set's MSE).
 */
export class WeightedMean {
  private sum = 0;
  private count = 0;

  /** Adds `value` with weight `weight` (e.g. a batch mean and the batch size). */
  add(value: number, weight: number): void {
    this.sum += value * weight;
    this.count += weight;
  }

  get value(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }
}

/** Batch-weighted PSNR over batches given as [mse, batch size] pairs (see WeightedMean). */
export function batchPsnr(batches: ReadonlyArray<readonly [mse: number, size: number]>, dataRange = 1): number {
  const m = new WeightedMean();
  for (const [e, n] of batches) m.add(psnrOfMse(e, dataRange), n);
  return m.value;
}

/** Checks a metric name. */
export function checkMetric(owner: string, value: unknown): MetricName {
  if (typeof value !== 'string' || !(METRICS as readonly string[]).includes(value)) {
    throw new ConfigError(owner, 'metric', `one of ${METRICS.map((m) => `"${m}"`).join(', ')}`, value);
  }
  return value as MetricName;
}
