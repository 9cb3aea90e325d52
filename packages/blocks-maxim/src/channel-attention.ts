import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, Dense, type Kwargs, LayerNorm, type OptionEntries, type OptionsInput, type OptionsOutput,
  type OptionsSchema, type Shape, ShapeError, defineOptions, dropout, oneTensor, option,
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

/** Options Rcab and Rdcab share (their own add to these). */
const RESIDUAL_CA_OPTIONS = defineOptions({
  reduction: option.withDefault(option.positiveInt('Channel attention squeezes to channels / reduction (the authors\' channels_reduction).'), 4),
  useBias: option.withDefault(option.boolean('Biases on the two inner layers and the attention.'), true),
  epsilon: option.withDefault(option.positiveNumber("LayerNorm epsilon (Flax's default)."), MAXIM_EPSILON),
});

/**
 * The residual channel-attention pattern of MAXIM's RCAB and RDCAB: x + CA(second(act(first(LN(x))))), with two
 * inner layers keeping the channels. Subclasses say which layers (3 × 3 convolutions or dense) and which activation.
 */
abstract class ResidualChannelAttention extends Block {
  declare readonly reduction: number;
  declare readonly useBias: boolean;
  declare readonly epsilon: number;
  private readonly norm: LayerNorm;
  private inner: [Block, Block] | null = null;
  private readonly attention: ChannelAttention;

  protected constructor(args: BlockArgs, schema: OptionsSchema<OptionEntries>) {
    super(args);
    Object.assign(this, this.parseOptions(schema, args));
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.attention = new ChannelAttention({ name: 'attention', reduction: this.reduction, useBias: this.useBias });
  }

  /** The two inner layers for c channels (named as the authors' weights). */
  protected abstract innerLayers(c: number): [Block, Block];
  /** What runs between them. */
  protected abstract activate(h: tf.Tensor, kwargs: Kwargs): tf.Tensor;

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    this.inner = this.innerLayers(shape[3]!).map((layer) => this.own(layer)) as [Block, Block];
    this.own(this.attention);
    for (const layer of [this.norm, ...this.inner, this.attention]) this.buildOwned(layer, shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const [first, second] = this.inner!;
      const h = this.activate(this.callOwned(first, this.callOwned(this.norm, x, kwargs), kwargs), kwargs);
      return tf.add(x, this.callOwned(this.attention, this.callOwned(second, h, kwargs), kwargs));
    });
  }
}

/** The options of {@link Rcab}. */
export const RCAB_OPTIONS = defineOptions({
  ...RESIDUAL_CA_OPTIONS.entries,
  lreluSlope: option.withDefault(option.positiveNumber('Negative slope of the leaky ReLU between the convolutions.'), 0.2),
});
/** Options of an Rcab block. */
export type RcabArgs = BlockArgs & OptionsInput<typeof RCAB_OPTIONS.entries>;
/** The parsed options are the block's properties. */
export interface Rcab extends Readonly<OptionsOutput<typeof RCAB_OPTIONS.entries>> {}

/**
 * MAXIM's residual channel-attention block: x + CA(conv2(LeakyReLU(conv1(LN(x))))), two 3 × 3 convolutions
 * keeping the channels. Images [b, h, w, c] → [b, h, w, c].
 */
export class Rcab extends ResidualChannelAttention {
  static className = `${CLASS_PREFIX}Rcab`;
  static override packageName = '@mlp-blocks/maxim';

  constructor(args: RcabArgs = {}) {
    super(args, RCAB_OPTIONS);
  }

  protected override innerLayers(c: number): [Block, Block] {
    const conv = (name: string) => new Conv2d({ name, filters: c, kernelSize: 3, useBias: this.useBias });
    return [conv('conv1'), conv('conv2')];
  }

  protected override activate(h: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(h, this.lreluSlope);
  }
}

/** The options of {@link Rdcab}. */
export const RDCAB_OPTIONS = defineOptions({
  ...RESIDUAL_CA_OPTIONS.entries,
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
export class Rdcab extends ResidualChannelAttention {
  static className = `${CLASS_PREFIX}Rdcab`;
  static override packageName = '@mlp-blocks/maxim';

  constructor(args: RdcabArgs = {}) {
    super(args, RDCAB_OPTIONS);
  }

  protected override innerLayers(c: number): [Block, Block] {
    const fc = (name: string) => new Dense({ name, units: c, useBias: this.useBias, kernelInitializer: MLP_INIT, biasInitializer: 'zeros' });
    return [fc('fc1'), fc('fc2')];
  }

  protected override activate(h: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    return dropout(geluTanh(h), this.dropout, this.isTraining(kwargs));
  }
}
