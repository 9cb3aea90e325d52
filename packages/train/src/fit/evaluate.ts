import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { validate } from '@mlp-blocks/core';
import { type FitData, checkFitData } from '../data.js';
import { type LossFn, type LossName, getLoss } from '../losses.js';
import { type MetricName, WeightedMean, correctCount, psnrOfMse } from '../metrics.js';
import { PROGRESS_MODES, type ProgressMode, type ProgressSink, checkLogEvery, createProgress } from './progress.js';

/** Options of `evaluate`. */
export interface EvaluateOptions {
  batchSize: number;
  /** Default 'mse'. */
  loss?: LossName | LossFn;
  /** 'psnr' (default with mse), 'accuracy' (default with softmaxCrossEntropy) or 'none'. */
  metric?: MetricName;
  /** PSNR data range. Default 1. */
  dataRange?: number;
  /** Progress while it runs: 'none' (default), 'auto' (a bar on a TTY, plain lines otherwise), 'bar' or 'log'. */
  progress?: ProgressMode;
  /** Where progress goes. Default process.stderr. */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Names the evaluation in its progress ("test 3/10 batches …"). Default 'eval'. */
  progressLabel?: string;
  /** Seconds between plain progress lines (0: every batch). Default 10. */
  logEvery?: number;
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
  const mode = validate.oneOf('evaluate', 'progress', options?.progress ?? 'none', PROGRESS_MODES);
  const logEvery = options?.logEvery === undefined ? undefined : checkLogEvery('evaluate', options.logEvery);
  const sink = createProgress(mode, options.progressStream ?? process.stderr, { epochs: 1, batchesPerEpoch: 0, ...(logEvery !== undefined ? { logEvery } : {}) });
  try {
    return await evaluateWith(model, data, options, sink, options.progressLabel ?? 'eval');
  } finally {
    sink.stop();
  }
}

/** `evaluate`, reporting each batch to `sink` under `label` (fit passes its own sink). */
export async function evaluateWith(model: tfl.LayersModel, data: FitData, options: EvaluateOptions, sink: ProgressSink, label: string): Promise<Evaluation> {
  const owner = 'evaluate';
  checkFitData(owner, 'data', data);
  const batchSize = validate.positiveInt(owner, 'batchSize', options.batchSize);
  const lossName = options.loss ?? 'mse';
  const lossFn = getLoss(lossName, owner);
  const metricName = options.metric ?? defaultMetric(lossName);
  const range = options.dataRange ?? 1;
  const lossMean = new WeightedMean();
  const metricMean = new WeightedMean();
  sink.evalStart(label, Math.ceil(data.size / batchSize));
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
    sink.evalStep(start / batchSize + 1, n);
  }
  sink.evalEnd();
  return { loss: lossMean.value, metric: metricName === 'none' ? Number.NaN : metricMean.value, metricName };
}
