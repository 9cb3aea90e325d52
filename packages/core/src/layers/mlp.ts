import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { ConfigError } from '../errors.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import type { Kwargs, Shape } from '../types.js';
import { productsTransposeFree } from '../ops/kernels.js';
import { Dense } from './dense.js';

/** The options of {@link Mlp}, each declared once; blocks that contain an MLP compose them. */
export const MLP_OPTIONS = defineOptions({
  hiddenUnits: option.positiveInt('Width of the hidden layer.'),
  units: option.optional(option.positiveInt("Output size; default the input's last axis (a residual branch).")),
  activation: option.withDefault(option.activation('After the first layer (fused into its product where the backend can).'), 'gelu'),
  dropout: option.withDefault(option.rate('Dropout after the activation and after the second layer, in training.'), 0),
  useBias: option.withDefault(option.boolean('Biases on both layers.'), true),
  kernelInitializer: option.withDefault(option.initializer('Kernel initializer of both layers.'), 'torchUniform'),
  biasInitializer: option.withDefault(option.initializer('Bias initializer of both layers.'), 'torchUniform'),
  layerNames: option.withDefault(
    option.namePair('Names of the two dense sublayers (their weights are `<name>/kernel`).'), ['fc1', 'fc2'] as [string, string]),
});
/** Options of an Mlp (plus the tfjs layer arguments). */
export type MlpArgs = BlockArgs & OptionsInput<typeof MLP_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface Mlp extends Readonly<OptionsOutput<typeof MLP_OPTIONS.entries>> {}

/**
 * The two-layer MLP of every block that has one (timm's `Mlp`): dense(hiddenUnits) → activation → dropout →
 * dense(units) → dropout, on the last axis of an input of any rank. A block owns it and usually builds it inline
 * (`buildOwned(mlp, shape, true)`), so the two layers' weights keep the block's own names (`down`/`up`,
 * `channel_fc1`/`channel_fc2`, …).
 */
export class Mlp extends Block {
  static className = `${CLASS_PREFIX}Mlp`;
  private readonly fc1: Dense;
  private fc2: Dense | null = null;

  constructor(args: MlpArgs) {
    super(args);
    Object.assign(this, this.parseOptions(MLP_OPTIONS, args));
    if (this.layerNames[0] === this.layerNames[1]) {
      throw new ConfigError(this.blockName, 'layerNames', 'two different names', this.layerNames);
    }
    this.fc1 = this.own(new Dense({ name: this.layerNames[0], units: this.hiddenUnits, activation: this.activation, ...this.denseInit() }));
    if (this.units != null) this.fc2 = this.own(new Dense({ name: this.layerNames[1], units: this.units, ...this.denseInit() }));
  }

  private denseInit() {
    return { useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer };
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const width = lastDim(this.blockName, shape);
    this.fc2 ??= this.own(new Dense({ name: this.layerNames[1], units: width, ...this.denseInit() }));
    this.buildOwned(this.fc1, shape);
    this.buildOwned(this.fc2, [...shape.slice(0, -1), this.hiddenUnits]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    return [...shape.slice(0, -1), this.units ?? lastDim(this.blockName, shape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const training = this.isTraining(kwargs);
      const h = dropout(this.callOwned(this.fc1, oneTensor(this.blockName, inputs), kwargs), this.dropout, training);
      return dropout(this.callOwned(this.fc2!, h, kwargs), this.dropout, training);
    });
  }

  /**
   * The MLP along axis 1 of x [batch, n, channels], built for [batch, channels, n] (token mixing): the same as
   * swapping axes 1 and 2, calling it and swapping back, without the transposes where the backend needs none.
   */
  callTokens(x: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      // Elsewhere exactly what the blocks ran before, dropout masks included (drawn in the swapped layout).
      if (!productsTransposeFree()) return swapTokens(this.call(swapTokens(x), kwargs));
      const training = this.isTraining(kwargs);
      const h = dropout(this.fc1.callTokens(x), this.dropout, training);
      return dropout(this.fc2!.callTokens(h), this.dropout, training);
    });
  }
}

const swapTokens = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1]);

/** Inverted dropout in training, identity otherwise. */
export function dropout(x: tf.Tensor, rate: number, training: boolean): tf.Tensor {
  return training && rate > 0 ? tf.dropout(x, rate) : x;
}
