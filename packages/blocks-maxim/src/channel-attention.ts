import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, Dense, type Kwargs, LayerNorm, type OptionsInput, type OptionsOutput, type Shape,
  ShapeError, defineOptions, dropout, oneTensor, option,
} from '@mlp-blocks/core';
import { geluTanh } from './activation.js';
import { Conv2d, imageShape } from './conv.js';
import { MAXIM_EPSILON, MLP_INIT } from './gating.js';

/** The options of {@link ChannelAttention}. */
export const CHANNEL_ATTENTION_OPTIONS = defineOptions({
  reduction: option.withDefault(option.positiveInt('Channels are squeezed to channels / reduction.'), 4),
  useBias: option.withDefault(option.boolean('Biases on the two projections.'), true),
});
/** Options of a ChannelAttention layer. */
export type ChannelAttentionArgs = BlockArgs & OptionsInput<typeof CHANNEL_ATTENTION_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface ChannelAttention extends Readonly<OptionsOutput<typeof CHANNEL_ATTENTION_OPTIONS.entries>> {}

/** Channels after the squeeze, or a ShapeError when the reduction does not leave any. */
function squeezed(owner: string, channels: number, reduction: number): number {
  const r = Math.floor(channels / reduction);
  if (r < 1) throw new ShapeError(`${owner}: ${channels} channels / reduction ${reduction} leaves no channel to squeeze to`);
  return r;
}

/**
 * Squeeze-and-excitation channel attention (MAXIM's CALayer): x ⊙ sigmoid(W2 · ReLU(W1 · mean_hw(x))), with the
 * authors' 1 × 1 convolutions on the pooled vector written as dense layers (same [in, out] kernels).
 */
export class ChannelAttention extends Block {
  static className = `${CLASS_PREFIX}ChannelAttention`;
  static override packageName = '@mlp-blocks/maxim';
  private squeeze: Dense | null = null;
  private excite: Dense | null = null;

  constructor(args: ChannelAttentionArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(CHANNEL_ATTENTION_OPTIONS, args));
  }

  override build(inputShape: Shape | Shape[]): void {
    const c = imageShape(this.blockName, inputShape)[3]!;
    const r = squeezed(this.blockName, c, this.reduction);
    const init = { useBias: this.useBias, kernelInitializer: 'lecunNormal' as const, biasInitializer: 'zeros' as const };
    this.squeeze = this.own(new Dense({ name: 'squeeze', units: r, activation: 'relu', ...init }));
    this.excite = this.own(new Dense({ name: 'excite', units: c, activation: 'sigmoid', ...init }));
    this.buildOwned(this.squeeze, [null, c]);
    this.buildOwned(this.excite, [null, r]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const pooled = tf.mean(x, [1, 2]); // [b, c]
      const weights = this.callOwned(this.excite!, this.callOwned(this.squeeze!, pooled, kwargs), kwargs);
      return tf.mul(x, tf.reshape(weights, [x.shape[0]!, 1, 1, x.shape[3]!]));
    });
  }
}

/** The options of {@link Rcab}. */
export const RCAB_OPTIONS = defineOptions({
  reduction: option.withDefault(option.positiveInt('Channel attention squeezes to channels / reduction (the authors\' channels_reduction).'), 4),
  lreluSlope: option.withDefault(option.positiveNumber('Negative slope of the leaky ReLU between the convolutions.'), 0.2),
  useBias: option.withDefault(option.boolean('Biases on the convolutions and the attention.'), true),
  epsilon: option.withDefault(option.positiveNumber("LayerNorm epsilon (Flax's default)."), MAXIM_EPSILON),
});
/** Options of an Rcab block. */
export type RcabArgs = BlockArgs & OptionsInput<typeof RCAB_OPTIONS.entries>;
/** The parsed options are the block's properties. */
export interface Rcab extends Readonly<OptionsOutput<typeof RCAB_OPTIONS.entries>> {}

/**
 * MAXIM's residual channel-attention block: x + CA(conv2(LeakyReLU(conv1(LN(x))))), two 3 × 3 convolutions
 * keeping the channels. Images [b, h, w, c] → [b, h, w, c].
 */
export class Rcab extends Block {
  static className = `${CLASS_PREFIX}Rcab`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly norm: LayerNorm;
  private conv1: Conv2d | null = null;
  private conv2: Conv2d | null = null;
  private readonly attention: ChannelAttention;

  constructor(args: RcabArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(RCAB_OPTIONS, args));
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.attention = new ChannelAttention({ name: 'attention', reduction: this.reduction, useBias: this.useBias });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    const c = shape[3]!;
    this.conv1 = this.own(new Conv2d({ name: 'conv1', filters: c, kernelSize: 3, useBias: this.useBias }));
    this.conv2 = this.own(new Conv2d({ name: 'conv2', filters: c, kernelSize: 3, useBias: this.useBias }));
    this.own(this.attention);
    for (const layer of [this.norm, this.conv1, this.conv2, this.attention]) this.buildOwned(layer, shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const h = tf.leakyRelu(this.callOwned(this.conv1!, this.callOwned(this.norm, x, kwargs), kwargs), this.lreluSlope);
      return tf.add(x, this.callOwned(this.attention, this.callOwned(this.conv2!, h, kwargs), kwargs));
    });
  }
}

/** The options of {@link Rdcab}. */
export const RDCAB_OPTIONS = defineOptions({
  reduction: option.withDefault(option.positiveInt('Channel attention squeezes to channels / reduction.'), 4),
  useBias: option.withDefault(option.boolean('Biases on the MLP and the attention.'), true),
  epsilon: option.withDefault(option.positiveNumber("LayerNorm epsilon (Flax's default)."), MAXIM_EPSILON),
  dropout: option.withDefault(option.rate('Dropout after the MLP\'s activation.'), 0),
});
/** Options of an Rdcab block. */
export type RdcabArgs = BlockArgs & OptionsInput<typeof RDCAB_OPTIONS.entries>;
/** The parsed options are the block's properties. */
export interface Rdcab extends Readonly<OptionsOutput<typeof RDCAB_OPTIONS.entries>> {}

/**
 * MAXIM's residual dense channel-attention block of the bottleneck: x + CA(MLP(LN(x))), the MLP c → c → c with
 * GELU. Images [b, h, w, c] → [b, h, w, c].
 */
export class Rdcab extends Block {
  static className = `${CLASS_PREFIX}Rdcab`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly norm: LayerNorm;
  private fc1: Dense | null = null;
  private fc2: Dense | null = null;
  private readonly attention: ChannelAttention;

  constructor(args: RdcabArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(RDCAB_OPTIONS, args));
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.attention = new ChannelAttention({ name: 'attention', reduction: this.reduction, useBias: this.useBias });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    const c = shape[3]!;
    const init = { units: c, useBias: this.useBias, kernelInitializer: MLP_INIT, biasInitializer: 'zeros' as const };
    this.fc1 = this.own(new Dense({ name: 'fc1', ...init }));
    this.fc2 = this.own(new Dense({ name: 'fc2', ...init }));
    this.own(this.attention);
    for (const layer of [this.norm, this.fc1, this.fc2, this.attention]) this.buildOwned(layer, shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const h = dropout(geluTanh(this.callOwned(this.fc1!, this.callOwned(this.norm, x, kwargs), kwargs)), this.dropout, this.isTraining(kwargs));
      return tf.add(x, this.callOwned(this.attention, this.callOwned(this.fc2!, h, kwargs), kwargs));
    });
  }
}
