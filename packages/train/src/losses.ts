import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@mlp-blocks/core';

/** A loss: predictions and targets in, a scalar mean over the batch out. */
export type LossFn = (prediction: tf.Tensor, target: tf.Tensor) => tf.Scalar;

/** The loss names `fit` and `evaluate` know. */
export const LOSSES = ['mse', 'softmaxCrossEntropy'] as const;
/** One of LOSSES. */
export type LossName = (typeof LOSSES)[number];

/** Mean squared error over every element, as PyTorch's `F.mse_loss(pred, target)` (reduction 'mean'). */
export function mse(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (prediction.size !== target.size) {
    throw new ShapeError(`mse: prediction [${prediction.shape}] and target [${target.shape}] differ in size`);
  }
  return tf.tidy(() => tf.mean(tf.squaredDifference(prediction, tf.reshape(target, prediction.shape))) as tf.Scalar);
}

/**
 * Softmax cross-entropy from logits [batch, classes], averaged over the batch, as PyTorch's
 * `F.cross_entropy(logits, labels)`. Labels are integer class indices [batch] (any numeric dtype) or
 * one-hot / probability rows [batch, classes].
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (logits.rank !== 2) throw new ShapeError(`softmaxCrossEntropy: logits must be [batch, classes], received [${logits.shape}]`);
  const [batch, classes] = logits.shape as [number, number];
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    let onehot: tf.Tensor;
    if (labels.rank === 1 || (labels.rank === 2 && labels.shape[1] === 1 && classes !== 1)) {
      if (labels.size !== batch) throw new ShapeError(`softmaxCrossEntropy: ${labels.size} labels for a batch of ${batch}`);
      onehot = tf.oneHot(tf.cast(tf.reshape(labels, [batch]), 'int32'), classes);
    } else if (labels.rank === 2 && labels.shape[0] === batch && labels.shape[1] === classes) {
      onehot = labels;
    } else {
      throw new ShapeError(`softmaxCrossEntropy: labels must be [${batch}] class indices or [${batch}, ${classes}] one-hot rows, received [${labels.shape}]`);
    }
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
  });
}

/** The loss function of a name. */
export function getLoss(name: LossName | LossFn, owner = 'fit'): LossFn {
  if (typeof name === 'function') return name;
  if (name === 'mse') return mse;
  if (name === 'softmaxCrossEntropy') return softmaxCrossEntropy;
  throw new ConfigError(owner, 'loss', `one of ${LOSSES.map((l) => `"${l}"`).join(', ')} or a function`, name);
}
