import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { resolveInitializer } from '../initializers.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import { defineOptions } from '../options/parse.js';
import type { Kwargs, LayerVariable, Shape } from '../types.js';

/** AffineNorm has no options of its own. */
export const AFFINE_NORM_OPTIONS = defineOptions({});

/** Options of an AffineNorm layer: only the usual tfjs layer arguments. */
export type AffineNormArgs = BlockArgs;

/** ResMLP's Aff(x) = α ⊙ x + β per channel, α = 1 and β = 0 at initialisation. */
export class AffineNorm extends Block {
  static className = `${CLASS_PREFIX}AffineNorm`;
  alpha: LayerVariable | null = null;
  beta: LayerVariable | null = null;

  constructor(args: AffineNormArgs = {}) {
    super(args);
    this.parseOptions(AFFINE_NORM_OPTIONS, args);
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    this.alpha = this.addWeight('alpha', [d], 'float32', resolveInitializer('ones', d));
    this.beta = this.addWeight('beta', [d], 'float32', resolveInitializer('zeros', d));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(oneTensor(this.blockName, inputs), this.alpha!.read()), this.beta!.read()));
  }
}
