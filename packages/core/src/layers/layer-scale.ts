import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { resolveInitializer } from '../initializers.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import type { Kwargs, LayerVariable, Shape } from '../types.js';

/** The options of {@link LayerScale}. */
export const LAYER_SCALE_OPTIONS = defineOptions({
  init: option.withDefault(option.positiveNumber('Initial per-channel scale; CaiT/ResMLP use 0.1 up to depth 18, 1e-5 at depth 24.'), 1e-5),
});
/** Options of a LayerScale layer. */
export type LayerScaleArgs = BlockArgs & OptionsInput<typeof LAYER_SCALE_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface LayerScale extends Readonly<OptionsOutput<typeof LAYER_SCALE_OPTIONS.entries>> {}

/** Learnable per-channel scaling of a residual branch (CaiT, ResMLP). */
export class LayerScale extends Block {
  static className = `${CLASS_PREFIX}LayerScale`;
  gamma: LayerVariable | null = null;

  constructor(args: LayerScaleArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(LAYER_SCALE_OPTIONS, args));
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    this.gamma = this.addWeight('gamma', [d], 'float32', resolveInitializer({ name: 'constant', value: this.init }, d));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(oneTensor(this.blockName, inputs), this.gamma!.read()));
  }
}
