import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, Dense, type Kwargs, LayerNorm, type OptionsInput, type OptionsOutput, type Shape,
  ShapeError, defineOptions, dropout, formatShape, option, pickOptions,
} from '@mlp-blocks/core';
import { geluTanh } from './activation.js';
import { Conv2d, ConvTranspose2x2, imageShape } from './conv.js';
import { SpatialProjection } from './gating.js';
import { MULTI_AXIS_OPTIONS } from './multi-axis-block.js';
import { recompute, stackPair, unstackPair } from './recompute.js';
import { SplitHeadBlock } from './split-head.js';

/** The options of {@link SpatialGatingWeights}. */
export const SPATIAL_GATING_WEIGHTS_OPTIONS = defineOptions({
  ...pickOptions(MULTI_AXIS_OPTIONS, ['blockSize', 'gridSize', 'inputProjFactor', 'useBias', 'epsilon', 'dropout']),
});
/** Options of a SpatialGatingWeights layer. */
export type SpatialGatingWeightsArgs = BlockArgs & OptionsInput<typeof SPATIAL_GATING_WEIGHTS_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface SpatialGatingWeights extends Readonly<OptionsOutput<typeof SPATIAL_GATING_WEIGHTS_OPTIONS.entries>> {}

/**
 * The gating weights of MAXIM's cross-gating block (the authors' `GetSpatialGatingWeights`): GELU(W_in · LN(x))
 * (c → inputProjFactor·c), one half mixed over the grid, the other over blocks (spatial biases start at one, no
 * gate here), projected back to c together. Images [b, h, w, c] → [b, h, w, c].
 */
export class SpatialGatingWeights extends SplitHeadBlock {
  static className = `${CLASS_PREFIX}SpatialGatingWeights`;
  static override packageName = '@mlp-blocks/maxim';
  // The authors leave these two at Flax's default initializer (lecun normal), unlike the gMLP projections.
  protected override readonly projectionInit = 'lecunNormal';

  constructor(args: SpatialGatingWeightsArgs) {
    super(args, SPATIAL_GATING_WEIGHTS_OPTIONS);
  }

  protected override makeBranches(): [SpatialProjection, SpatialProjection] {
    const common = { useBias: this.useBias, biasInitializer: 'ones' } as const;
    return [
      new SpatialProjection({ name: 'grid', axis: 'grid', size: this.gridSize, ...common }),
      new SpatialProjection({ name: 'block', axis: 'block', size: this.blockSize, ...common }),
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return dropout(this.splitHead(x, kwargs), this.dropout, this.isTraining(kwargs));
    });
  }
}

/** The options of {@link CrossGatingBlock}. */
export const CROSS_GATING_OPTIONS = defineOptions({
  features: option.positiveInt('Channels of both streams after their 1 × 1 input convolutions (and of the outputs).'),
  upsampleY: option.withDefault(option.boolean('First up-sample y by a 2 × 2 transposed convolution (y at half the resolution of x), as between UNet scales.'), true),
  returnY: option.withDefault(option.boolean('Output [x, y] (both gated streams) instead of x alone.'), false),
  ...SPATIAL_GATING_WEIGHTS_OPTIONS.entries,
});
/** Options of a CrossGatingBlock. */
export type CrossGatingBlockArgs = BlockArgs & OptionsInput<typeof CROSS_GATING_OPTIONS.entries>;
/** The parsed options are the block's properties. */
export interface CrossGatingBlock extends Readonly<OptionsOutput<typeof CROSS_GATING_OPTIONS.entries>> {}

/**
 * MAXIM's cross-gating block: two feature streams gate each other. Takes [x, y] (y at half x's resolution when
 * upsampleY). Both go through a 1 × 1 convolution to `features` (x', y'), then each through LN → dense → GELU →
 * {@link SpatialGatingWeights} (gx from x, gy from y);
 * y_out = y' + W_y · (GELU(…y) ⊙ gx), x_out = x' + y_out + W_x · (GELU(…x) ⊙ gy).
 * Outputs x_out, or [x_out, y_out] with returnY.
 */
export class CrossGatingBlock extends Block {
  static className = `${CLASS_PREFIX}CrossGatingBlock`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly up: ConvTranspose2x2 | null;
  private readonly convX: Conv2d;
  private readonly convY: Conv2d;
  private readonly normX: LayerNorm;
  private readonly inProjectX: Dense;
  private readonly gatingX: SpatialGatingWeights;
  private readonly normY: LayerNorm;
  private readonly inProjectY: Dense;
  private readonly gatingY: SpatialGatingWeights;
  private readonly outProjectY: Dense;
  private readonly outProjectX: Dense;

  constructor(args: CrossGatingBlockArgs) {
    super(args);
    Object.assign(this, this.parseOptions(CROSS_GATING_OPTIONS, args));
    const f = this.features;
    const dense = (name: string) => this.own(new Dense({ name, units: f, useBias: this.useBias, kernelInitializer: 'lecunNormal', biasInitializer: 'zeros' }));
    const gating = (name: string) => this.own(new SpatialGatingWeights({
      name, blockSize: this.blockSize, gridSize: this.gridSize, inputProjFactor: this.inputProjFactor, useBias: this.useBias, epsilon: this.epsilon, dropout: this.dropout,
    }));
    this.up = this.upsampleY ? this.own(new ConvTranspose2x2({ name: 'up', filters: f, useBias: this.useBias })) : null;
    this.convX = this.own(new Conv2d({ name: 'conv_x', filters: f, kernelSize: 1, useBias: this.useBias }));
    this.convY = this.own(new Conv2d({ name: 'conv_y', filters: f, kernelSize: 1, useBias: this.useBias }));
    this.normX = this.own(new LayerNorm({ name: 'norm_x', epsilon: this.epsilon }));
    this.inProjectX = dense('in_project_x');
    this.gatingX = gating('gating_x');
    this.normY = this.own(new LayerNorm({ name: 'norm_y', epsilon: this.epsilon }));
    this.inProjectY = dense('in_project_y');
    this.gatingY = gating('gating_y');
    this.outProjectY = dense('out_project_y');
    this.outProjectX = dense('out_project_x');
  }

  private shapes(inputShape: Shape | Shape[]): [Shape, Shape] {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new ShapeError(`${this.blockName}: expects two inputs [x, y], received ${JSON.stringify(inputShape)}`);
    }
    const [xs, ys] = inputShape as Shape[];
    const x = imageShape(this.blockName, xs!);
    const y = imageShape(this.blockName, ys!);
    const f = this.upsampleY ? 2 : 1;
    for (const axis of [1, 2]) {
      if (x[axis] != null && y[axis] != null && x[axis] !== f * y[axis]!) {
        throw new ShapeError(`${this.blockName}: y ${formatShape(y)} must have ${f === 2 ? 'half the' : 'the same'} height and width as x ${formatShape(x)}${f === 2 ? ' (upsampleY)' : ''}`);
      }
    }
    return [x, y];
  }

  override build(inputShape: Shape | Shape[]): void {
    const [xs, ys] = this.shapes(inputShape);
    const out = [...xs.slice(0, 3), this.features];
    if (this.up) this.buildOwned(this.up, ys);
    this.buildOwned(this.convX, xs);
    this.buildOwned(this.convY, this.up ? [...out.slice(0, 3), this.features] : ys);
    for (const layer of [this.normX, this.inProjectX, this.gatingX, this.normY, this.inProjectY, this.gatingY, this.outProjectY, this.outProjectX]) {
      this.buildOwned(layer, out);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [xs] = this.shapes(inputShape);
    const out = [...xs.slice(0, 3), this.features];
    return this.returnY ? [out, [...out]] : out;
  }

  /**
   * Both gated streams [x_out, y_out] of inputs x and y; x may be given as parts of its channels (the UNet's
   * resized skips), which the 1 × 1 input convolution takes apart instead of concatenated.
   */
  gate(x: tf.Tensor | tf.Tensor[], y: tf.Tensor, kwargs: Kwargs): [tf.Tensor, tf.Tensor] {
    const xs = Array.isArray(x) ? x : [x];
    // Training keeps only the inputs for the backward pass (see recompute); both outputs travel as one tensor.
    if (!this.isTraining(kwargs) || this.dropout > 0) return this.gateBoth(xs, y, kwargs);
    return tf.tidy(() => {
      const n = xs.length;
      const both = recompute((...a) => stackPair(...this.gateBoth(a.slice(0, n), a[n]!, kwargs)), [...xs, y], this.trainableWeights.map((w) => w.read()));
      const [b, h, w] = xs[0]!.shape;
      return unstackPair(both, [b!, h!, w!, this.features]);
    });
  }

  private gateBoth(xs: tf.Tensor[], y: tf.Tensor, kwargs: Kwargs): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const training = this.isTraining(kwargs);
      const yUp = this.up ? this.callOwned(this.up, y, kwargs) : y;
      const sx = this.convX.callParts(xs);
      const sy = this.callOwned(this.convY, yUp, kwargs);
      const hx = geluTanh(this.callOwned(this.inProjectX, this.callOwned(this.normX, sx, kwargs), kwargs));
      const gx = this.callOwned(this.gatingX, hx, kwargs);
      const hy = geluTanh(this.callOwned(this.inProjectY, this.callOwned(this.normY, sy, kwargs), kwargs));
      const gy = this.callOwned(this.gatingY, hy, kwargs);
      const yOut = tf.add(dropout(this.callOwned(this.outProjectY, tf.mul(hy, gx), kwargs), this.dropout, training), sy);
      const xOut = tf.add(tf.add(dropout(this.callOwned(this.outProjectX, tf.mul(hx, gy), kwargs), this.dropout, training), yOut), sx);
      return [xOut, yOut];
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new ShapeError(`${this.blockName}: expects two inputs [x, y]`);
    const [x, y] = this.gate(inputs[0]!, inputs[1]!, kwargs);
    if (this.returnY) return [x, y];
    y.dispose();
    return x;
  }
}
