import * as tf from '@tensorflow/tfjs-core';
import { normalize } from '../ops/normalize.js';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { resolveInitializer } from '../initializers.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import type { Kwargs, LayerVariable, Shape } from '../types.js';

/** The options of {@link LayerNorm}. */
export const LAYER_NORM_OPTIONS = defineOptions({
  epsilon: option.withDefault(option.positiveNumber("Added to the variance (PyTorch's default; timm's Mixer and gMLP use 1e-6)."), 1e-5),
  center: option.withDefault(option.boolean('Learnable shift β.'), true),
  scale: option.withDefault(option.boolean('Learnable scale γ.'), true),
});
/** Options of a LayerNorm layer. */
export type LayerNormArgs = BlockArgs & OptionsInput<typeof LAYER_NORM_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface LayerNorm extends Readonly<OptionsOutput<typeof LAYER_NORM_OPTIONS.entries>> {}

/** Layer normalisation over the last axis, biased variance, as PyTorch's nn.LayerNorm. */
export class LayerNorm extends Block {
  static className = `${CLASS_PREFIX}LayerNorm`;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;

  constructor(args: LayerNormArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(LAYER_NORM_OPTIONS, args));
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    if (this.scale) this.gamma = this.addWeight('gamma', [d], 'float32', resolveInitializer('ones', d));
    if (this.center) this.beta = this.addWeight('beta', [d], 'float32', resolveInitializer('zeros', d));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      return normalize(x, [x.rank - 1], this.epsilon, {
        gamma: this.scale ? this.gamma!.read() : null, beta: this.center ? this.beta!.read() : null,
      });
    });
  }
}
