import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LossFn } from '../losses.js';
import type { AdamW } from '../optim/adamw.js';
import { stepSeed, withSeededRandom } from './seeded.js';

/**
 * One hand-written training step: forward in training mode, loss, gradients of the trainable variables,
 * then the AdamW update, unless the loss is not finite (then nothing is applied, the running statistics
 * are put back, and the loss is returned for the caller to report). Random ops in the step (dropout masks) draw from a generator seeded by
 * (seed, step), so a resumed run replays them exactly.
 */
export async function trainStep(
  model: tfl.LayersModel, vars: tf.Variable[], optimizer: AdamW, loss: LossFn,
  x: tf.Tensor, y: tf.Tensor, seed: number, step: number,
): Promise<number> {
  // The forward pass updates non-trainable state (batch-norm running statistics); keep the old values so a
  // failed step can be undone. tf.clone shares the data, and variables get new data on write: no copy.
  const state = model.nonTrainableWeights;
  const saved = state.map((w) => tf.clone(w.read()));
  const { value, grads } = withSeededRandom(stepSeed(seed, step), () =>
    tf.variableGrads(() => loss(model.apply(x, { training: true }) as tf.Tensor, y), vars));
  try {
    const lossValue = (await value.data())[0]!;
    if (Number.isFinite(lossValue)) optimizer.applyGradients(grads);
    else state.forEach((w, i) => w.write(saved[i]!));
    return lossValue;
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
    tf.dispose(saved);
  }
}
