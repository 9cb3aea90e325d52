import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { resolveInitializer } from '../initializers.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import type { Kwargs, LayerVariable, Shape } from '../types.js';

/** The options of {@link RmsNorm}. */
export const RMS_NORM_OPTIONS = defineOptions({
  epsilon: option.withDefault(option.positiveNumber('Added to the mean square.'), 1e-6),
  scale: option.withDefault(option.boolean('Learnable per-channel scale.'), true),
});
/** Options of an RmsNorm layer. */
export type RmsNormArgs = BlockArgs & OptionsInput<typeof RMS_NORM_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface RmsNorm extends Readonly<OptionsOutput<typeof RMS_NORM_OPTIONS.entries>> {}

/** Root-mean-square normalisation over the last axis: x / √(mean(x²) + ε) · γ. */
export class RmsNorm extends Block {
  static className = `${CLASS_PREFIX}RmsNorm`;
  gamma: LayerVariable | null = null;

  constructor(args: RmsNormArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(RMS_NORM_OPTIONS, args));
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    if (this.scale) this.gamma = this.addWeight('gamma', [d], 'float32', resolveInitializer('ones', d));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const y = tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.epsilon)));
      return this.scale ? tf.mul(y, this.gamma!.read()) : y;
    });
  }
}
