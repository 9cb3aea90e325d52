import * as tf from '@tensorflow/tfjs-core';
import { batchNormInferenceNative } from '../ops/norm-kernels.js';
import { normalize } from '../ops/normalize.js';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { ShapeError } from '../errors.js';
import { resolveInitializer } from '../initializers.js';
import { formatShape, lastDim, oneShape, oneTensor } from '../shapes.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import type { Kwargs, LayerVariable, Shape } from '../types.js';

/** The options of {@link BatchNorm}. */
export const BATCH_NORM_OPTIONS = defineOptions({
  momentum: option.withDefault(option.rate('PyTorch convention: running = (1 − momentum)·running + momentum·batch (Keras momentum 0.9).'), 0.1),
  epsilon: option.withDefault(option.positiveNumber('Added to the variance.'), 1e-5),
  affine: option.withDefault(option.boolean("Learnable scale and shift (the Hourglass authors' BatchNorm1d(affine=False) has none)."), false),
});
/** Options of a BatchNorm layer. */
export type BatchNormArgs = BlockArgs & OptionsInput<typeof BATCH_NORM_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface BatchNorm extends Readonly<OptionsOutput<typeof BATCH_NORM_OPTIONS.entries>> {}

/**
 * Batch normalisation over the last axis, with statistics over every other axis. Training uses the batch's
 * biased variance and updates the running variance with the unbiased one (as PyTorch does); evaluation uses
 * the running statistics. Written here because tfjs's own layer crashes in training without scale/center
 * (tfjs issue 2868).
 */
export class BatchNorm extends Block {
  static className = `${CLASS_PREFIX}BatchNorm`;
  runningMean: LayerVariable | null = null;
  runningVar: LayerVariable | null = null;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;

  constructor(args: BatchNormArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(BATCH_NORM_OPTIONS, args));
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    this.runningMean = this.addWeight('running_mean', [d], 'float32', resolveInitializer('zeros', d), undefined, false);
    this.runningVar = this.addWeight('running_var', [d], 'float32', resolveInitializer('ones', d), undefined, false);
    if (this.affine) {
      this.gamma = this.addWeight('gamma', [d], 'float32', resolveInitializer('ones', d));
      this.beta = this.addWeight('beta', [d], 'float32', resolveInitializer('zeros', d));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      if (this.isTraining(kwargs)) {
        const n = x.size / x.shape[x.rank - 1]!;
        if (n < 2) {
          throw new ShapeError(`${this.blockName}: training needs more than one value per channel, received input of shape ${formatShape(x.shape)}`);
        }
        const d = x.shape[x.rank - 1]!;
        return normalize(x, axes, this.epsilon, {
          gamma: this.gamma?.read() ?? null, beta: this.beta?.read() ?? null,
          onMoments: (mean, variance) => this.updateRunning(tf.reshape(mean, [d]), tf.reshape(variance, [d]), n),
        });
      }
      const gamma = this.affine ? this.gamma!.read() : null;
      const beta = this.affine ? this.beta!.read() : null;
      // One native kernel where the backend has it (blas) and no gradient is recorded; the same values.
      const fused = batchNormInferenceNative(x, this.runningMean!.read(), this.runningVar!.read(), this.epsilon, gamma, beta);
      if (fused) return fused;
      const y = tf.mul(tf.sub(x, this.runningMean!.read()), tf.rsqrt(tf.add(this.runningVar!.read(), this.epsilon)));
      return this.affine ? tf.add(tf.mul(y, this.gamma!.read()), this.beta!.read()) : y;
    });
  }

  private updateRunning(mean: tf.Tensor, variance: tf.Tensor, n: number): void {
    const m = this.momentum;
    const rm = this.runningMean!;
    const rv = this.runningVar!;
    tf.tidy(() => {
      rm.write(tf.add(tf.mul(rm.read(), 1 - m), tf.mul(mean, m)));
      rv.write(tf.add(tf.mul(rv.read(), 1 - m), tf.mul(variance, (m * n) / (n - 1))));
    });
  }
}
