import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { validate } from '@mlp-blocks/core';
import { type FitData, checkFitData } from '../data.js';
import { type LossFn, type LossName, getLoss } from '../losses.js';
import { type MetricName, WeightedMean, correctCount, psnrOfMse } from '../metrics.js';

/** Options of `evaluate`. */
export interface EvaluateOptions {
  batchSize: number;
  /** Default 'mse'. */
  loss?: LossName | LossFn;
  /** 'psnr' (default with mse), 'accuracy' (default with softmaxCrossEntropy) or 'none'. */
  metric?: MetricName;
  /** PSNR data range. Default 1. */
  dataRange?: number;
}

/** What `evaluate` returns. */
export interface Evaluation {
  /** Mean loss over examples (each batch's mean loss weighted by its size). */
  loss: number;
  /** The metric (batch-size-weighted PSNR in dB, or accuracy in [0, 1]); NaN for 'none'. */
  metric: number;
  metricName: MetricName;
}

/** The default metric for a loss: PSNR for MSE (image targets), accuracy for cross-entropy. */
export function defaultMetric(loss: LossName | LossFn): MetricName {
  return loss === 'softmaxCrossEntropy' ? 'accuracy' : loss === 'mse' ? 'psnr' : 'none';
}

/**
 * Evaluates in inference mode over the whole set in index order, batch by batch. PSNR follows the
 * Hourglass paper: each batch's PSNR from that batch's MSE, averaged weighted by batch size.
 */
export async function evaluate(model: tfl.LayersModel, data: FitData, options: EvaluateOptions): Promise<Evaluation> {
  const owner = 'evaluate';
  checkFitData(owner, 'data', data);
  const batchSize = validate.positiveInt(owner, 'batchSize', options.batchSize);
  const lossName = options.loss ?? 'mse';
  const lossFn = getLoss(lossName, owner);
  const metricName = options.metric ?? defaultMetric(lossName);
  const range = options.dataRange ?? 1;
  const lossMean = new WeightedMean();
  const metricMean = new WeightedMean();
  for (let start = 0; start < data.size; start += batchSize) {
    const n = Math.min(batchSize, data.size - start);
    const indices = Int32Array.from({ length: n }, (_, i) => start + i);
    const { x, y } = data.batch(indices, 0);
    const [lossT, extraT] = tf.tidy(() => {
      const out = model.apply(x, { training: false }) as tf.Tensor;
      const l = lossFn(out, y);
      if (metricName === 'psnr') return [l, lossName === 'mse' ? l.clone() : tf.mean(tf.squaredDifference(out, tf.reshape(y, out.shape)))];
      if (metricName === 'accuracy') return [l, correctCount(out, y)];
      return [l];
    }) as [tf.Scalar, tf.Scalar?];
    const l = (await lossT.data())[0]!;
    const extra = extraT ? (await extraT.data())[0]! : Number.NaN;
    tf.dispose([x, y, lossT, ...(extraT ? [extraT] : [])]);
    lossMean.add(l, n);
    if (metricName === 'psnr') metricMean.add(psnrOfMse(extra, range), n);
    else if (metricName === 'accuracy') metricMean.add(extra / n, n);
  }
  return { loss: lossMean.value, metric: metricName === 'none' ? Number.NaN : metricMean.value, metricName };
}
