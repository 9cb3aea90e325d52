import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { mix32 } from '../random.js';
import { oneShape, oneTensor } from '../shapes.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import type { Kwargs, Shape } from '../types.js';

/**
 * Stochastic depth for one sample at a time: in training, zero each sample's whole branch with
 * probability `rate` and scale the survivors by 1/(1 − rate); identity in evaluation.
 * `seed` makes the sequence of masks reproducible (a different mask each call).
 */
export function dropPath(x: tf.Tensor, dropRate: number, training: boolean, seed?: number): tf.Tensor {
  if (!training || dropRate === 0) return x;
  return tf.tidy(() => {
    const keep = 1 - dropRate;
    const maskShape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
    const mask = tf.floor(tf.add(keep, tf.randomUniform(maskShape, 0, 1, 'float32', seed)));
    return tf.mul(tf.div(x, keep), mask);
  });
}

/** The options of {@link DropPath}. */
export const DROP_PATH_OPTIONS = defineOptions({
  rate: option.rate("Probability of dropping a sample's whole branch in training."),
  seed: option.optional(option.seed('Makes the sequence of masks reproducible (a different mask each call).')),
});
/** Options of a DropPath layer: the drop rate and an optional seed. */
export type DropPathArgs = BlockArgs & OptionsInput<typeof DROP_PATH_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface DropPath extends Readonly<OptionsOutput<typeof DROP_PATH_OPTIONS.entries>> {}

/** DropPath as a layer; blocks use it on their residual branches. */
export class DropPath extends Block {
  static className = `${CLASS_PREFIX}DropPath`;
  private calls = 0;

  constructor(args: DropPathArgs) {
    super(args);
    Object.assign(this, this.parseOptions(DROP_PATH_OPTIONS, args));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    const training = this.isTraining(kwargs);
    // Hash (seed, call) so layers seeded s and s + 1 do not replay each other's masks one call apart.
    const seed = this.seed == null || !training ? undefined : mix32(mix32(this.seed) ^ this.calls++);
    return dropPath(x, this.rate, training, seed);
  }
}
