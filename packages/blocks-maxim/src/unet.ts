import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, ConfigError, type Kwargs, type OptionsInput, type OptionsOutput, type Shape,
  ShapeError, defineOptions, formatShape, oneTensor, option, pickOptions,
} from '@mlp-blocks/core';
import { Conv2d, ConvTranspose2x2, imageShape } from './conv.js';
import { CrossGatingBlock } from './cross-gating.js';
import { imageDims, reflectPad, resizeBilinear } from './image-ops.js';
import { UNET_STAGE_OPTIONS, UnetStage } from './unet-stage.js';

/** The options of {@link ResizeConv}. */
export const RESIZE_CONV_OPTIONS = defineOptions({
  features: option.positiveInt('Output channels of the 1 × 1 convolution.'),
  ratio: option.positiveNumber('Resize factor: an integer ≥ 1 to enlarge, 1/n to shrink (height and width divided by n).'),
  useBias: option.withDefault(option.boolean('Bias on the convolution.'), true),
});
/** Options of a ResizeConv layer. */
export type ResizeConvArgs = BlockArgs & OptionsInput<typeof RESIZE_CONV_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface ResizeConv extends Readonly<OptionsOutput<typeof RESIZE_CONV_OPTIONS.entries>> {}

/** MAXIM's `UpSampleRatio`: a bilinear resize by `ratio` (as jax.image.resize, antialiased) then a 1 × 1 convolution. */
export class ResizeConv extends Block {
  static className = `${CLASS_PREFIX}ResizeConv`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly conv: Conv2d;

  constructor(args: ResizeConvArgs) {
    super(args);
    Object.assign(this, this.parseOptions(RESIZE_CONV_OPTIONS, args));
    this.conv = this.own(new Conv2d({ name: 'conv', filters: this.features, kernelSize: 1, useBias: this.useBias }));
  }

  /** Height or width after the resize, as the authors compute it. */
  resized(n: number): number {
    return this.ratio < 1 ? Math.floor(n / Math.round(1 / this.ratio)) : Math.round(n * this.ratio);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.buildOwned(this.conv, imageShape(this.blockName, inputShape));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [b, h, w] = imageShape(this.blockName, inputShape);
    return [b ?? null, h == null ? null : this.resized(h), w == null ? null : this.resized(w), this.features];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const [, h, w] = imageDims(x);
      return this.callOwned(this.conv, resizeBilinear(x, this.resized(h), this.resized(w)), kwargs);
    });
  }
}

/** The options of {@link MaximUnet}: the authors' `MAXIM` arguments (one stage, one supervision scale). */
export const MAXIM_UNET_OPTIONS = defineOptions({
  features: option.withDefault(option.positiveInt('Channels at full resolution; scale i has features·2^i.'), 32),
  depth: option.withDefault(option.positiveInt('Scales of the UNet (down-samplings); height and width are padded to a multiple of 2^depth.'), 3),
  numGroups: option.withDefault(option.positiveInt('Pairs of (multi-axis gated MLP, channel-attention) blocks per encoder, decoder and bottleneck block.'), 1),
  numBottleneckBlocks: option.withDefault(option.positiveInt('Bottleneck blocks at the lowest resolution.'), 1),
  highResStages: option.withDefault(option.nonNegativeInt('Scales (from full resolution) that use blockSizeHr / gridSizeHr; the others use blockSizeLr for both.'), 2),
  blockSizeHr: option.withDefault(option.sizePair('Block size at the high-resolution scales.'), [16, 16]),
  gridSizeHr: option.withDefault(option.sizePair('Grid size at the high-resolution scales.'), [16, 16]),
  blockSizeLr: option.withDefault(option.sizePair('Block size, and grid size, at the low-resolution scales and in the bottleneck (the authors use it for both).'), [8, 8]),
  useCrossGating: option.withDefault(option.boolean('Cross-gating blocks on the skip connections (false: 1 × 1 then 3 × 3 convolutions).'), true),
  ...pickOptions(UNET_STAGE_OPTIONS, ['useGlobalMlp', 'inputProjFactor', 'blockGmlpFactor', 'gridGmlpFactor', 'useBias', 'epsilon', 'dropout', 'reduction', 'lreluSlope']),
});
/** Options of a MaximUnet. */
export type MaximUnetArgs = BlockArgs & OptionsInput<typeof MAXIM_UNET_OPTIONS.entries>;
/** The parsed options of a MaximUnet. */
export type MaximUnetOptions = OptionsOutput<typeof MAXIM_UNET_OPTIONS.entries>;
/** The parsed options are the network's properties. */
export interface MaximUnet extends Readonly<MaximUnetOptions> {}

/** Block and grid sizes of scale i, as the authors pick them (the low-resolution grid is blockSizeLr too). */
export function scaleSizes(o: Pick<MaximUnetOptions, 'highResStages' | 'blockSizeHr' | 'gridSizeHr' | 'blockSizeLr'>, i: number) {
  return i < o.highResStages ? { blockSize: o.blockSizeHr, gridSize: o.gridSizeHr } : { blockSize: o.blockSizeLr, gridSize: o.blockSizeLr };
}

/**
 * A one-stage MAXIM (Tu et al., CVPR 2022) for image restoration: images [b, h, w, c] → restored images of the
 * same shape. Input 3 × 3 convolution; `depth` encoder scales (UnetStage, then a 4 × 4 stride-2 convolution);
 * bottleneck blocks; per scale a cross-gating block between the multi-scale encoder features and the coarser
 * global feature; decoder scales (2 × 2 transposed convolution, UnetStage on it and the multi-scale cross-gated
 * skips); output 3 × 3 convolution added to the input. As in the authors' evaluation, h and w are padded by
 * reflection to a multiple of 2^depth and the output cropped back.
 */
export class MaximUnet extends Block {
  static className = `${CLASS_PREFIX}MaximUnet`;
  static override packageName = '@mlp-blocks/maxim';
  private inputConv: Conv2d | null = null;
  private outputConv: Conv2d | null = null;
  private readonly encoders: UnetStage[] = [];
  private readonly downs: Conv2d[] = [];
  private readonly bottlenecks: UnetStage[] = [];
  private readonly skipResizes: ResizeConv[][] = [];
  private readonly crossGates: (CrossGatingBlock | [Conv2d, Conv2d])[] = [];
  private readonly bridgeResizes: ResizeConv[][] = [];
  private readonly ups: ConvTranspose2x2[] = [];
  private readonly decoders: UnetStage[] = [];

  constructor(args: MaximUnetArgs = {}) {
    super(args);
    Object.assign(this, this.parseOptions(MAXIM_UNET_OPTIONS, args));
    const { depth, features, useBias, epsilon, dropout } = this;
    const stage = (name: string, i: number, channelBlock: 'rcab' | 'rdcab', sizes = scaleSizes(this, i)) => new UnetStage({
      name, features: features * 2 ** i, numGroups: this.numGroups, channelBlock, useGlobalMlp: channelBlock === 'rdcab' || this.useGlobalMlp,
      inputProjFactor: this.inputProjFactor, blockGmlpFactor: this.blockGmlpFactor, gridGmlpFactor: this.gridGmlpFactor,
      useBias, epsilon, dropout, reduction: this.reduction, lreluSlope: this.lreluSlope, ...sizes,
    });
    for (let i = 0; i < depth; i++) {
      this.encoders.push(this.own(stage(`encoder_${i}`, i, 'rcab')));
      this.downs.push(this.own(new Conv2d({ name: `down_${i}`, filters: features * 2 ** i, kernelSize: 4, strides: 2, useBias })));
    }
    const lowest = { blockSize: this.blockSizeLr, gridSize: this.blockSizeLr };
    for (let k = 0; k < this.numBottleneckBlocks; k++) this.bottlenecks.push(this.own(stage(`bottleneck_${k}`, depth - 1, 'rdcab', lowest)));
    for (let i = depth - 1; i >= 0; i--) {
      const f = features * 2 ** i;
      this.skipResizes.push(Array.from({ length: depth }, (_, j) => this.own(new ResizeConv({ name: `skip_${i}_${j}`, features: f, ratio: 2 ** (j - i), useBias }))));
      this.crossGates.push(this.useCrossGating
        ? this.own(new CrossGatingBlock({
          name: `cross_gating_${i}`, features: f, upsampleY: true, inputProjFactor: this.inputProjFactor, useBias, epsilon, dropout, ...scaleSizes(this, i),
        }))
        : [this.own(new Conv2d({ name: `skip_conv1_${i}`, filters: f, kernelSize: 1, useBias })), this.own(new Conv2d({ name: `skip_conv3_${i}`, filters: f, kernelSize: 3, useBias }))]);
    }
    for (let i = depth - 1; i >= 0; i--) {
      const f = features * 2 ** i;
      this.bridgeResizes.push(Array.from({ length: depth }, (_, j) => this.own(new ResizeConv({ name: `bridge_${i}_${j}`, features: f, ratio: 2 ** (depth - j - 1 - i), useBias }))));
      this.ups.push(this.own(new ConvTranspose2x2({ name: `up_${i}`, filters: f, useBias })));
      this.decoders.push(this.own(stage(`decoder_${i}`, i, 'rcab')));
    }
  }

  /** Height and width after padding to a multiple of 2^depth. */
  paddedSize(h: number, w: number): [number, number] {
    const m = 2 ** this.depth;
    return [Math.ceil(h / m) * m, Math.ceil(w / m) * m];
  }

  private checkSize(shape: Shape): void {
    const [, h, w] = shape;
    if (h == null || w == null) throw new ShapeError(`${this.blockName}: the height and width of the input must be known, received ${formatShape(shape)}`);
    const [ph, pw] = this.paddedSize(h, w);
    // Reflection can add at most size − 1 pixels on each side.
    if (ph - h > 2 * (h - 1) || pw - w > 2 * (w - 1)) {
      throw new ShapeError(`${this.blockName}: a ${h} × ${w} image is too small to pad by reflection to a multiple of 2^depth = ${2 ** this.depth}`);
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    this.checkSize(shape);
    const [ph, pw] = this.paddedSize(shape[1]!, shape[2]!);
    const c = shape[3]!;
    const b = shape[0] ?? null;
    const { depth, features } = this;
    const at = (i: number, channels: number): Shape => [b, ph / 2 ** i, pw / 2 ** i, channels];
    const f = (i: number) => features * 2 ** i;
    this.inputConv = this.own(new Conv2d({ name: 'input_conv', filters: features, kernelSize: 3, useBias: this.useBias }));
    this.outputConv = this.own(new Conv2d({ name: 'output_conv', filters: c, kernelSize: 3, useBias: this.useBias }));
    this.buildOwned(this.inputConv, at(0, c));
    for (let i = 0; i < depth; i++) {
      // The first encoder takes the input features twice (the authors' multi-scale input at scale 0).
      this.buildOwned(this.encoders[i]!, at(i, i === 0 ? 2 * features : f(i - 1)));
      this.buildOwned(this.downs[i]!, at(i, f(i)));
    }
    for (const block of this.bottlenecks) this.buildOwned(block, at(depth, f(depth - 1)));
    let global = f(depth - 1);
    this.crossGates.forEach((gate, k) => {
      const i = depth - 1 - k;
      this.skipResizes[k]!.forEach((r, j) => this.buildOwned(r, at(j, f(j))));
      if (gate instanceof CrossGatingBlock) {
        this.buildOwned(gate, [at(i, depth * f(i)), at(i + 1, global)]);
        global = f(i);
      } else {
        this.buildOwned(gate[0], at(i, depth * f(i)));
        this.buildOwned(gate[1], at(i, f(i)));
      }
    });
    let x = f(depth - 1);
    this.decoders.forEach((decoder, k) => {
      const i = depth - 1 - k;
      // Skip j (the cross-gated feature of scale depth − 1 − j) resized to scale i.
      this.bridgeResizes[k]!.forEach((r, j) => this.buildOwned(r, at(depth - 1 - j, f(depth - 1 - j))));
      this.buildOwned(this.ups[k]!, at(i + 1, x));
      this.buildOwned(decoder, at(i, f(i) + depth * f(i)));
      x = f(i);
    });
    this.buildOwned(this.outputConv, at(0, features));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const image = oneTensor(this.blockName, inputs);
      this.checkSize(image.shape);
      const [, h, w] = imageDims(image);
      const [ph, pw] = this.paddedSize(h, w);
      const top = Math.floor((ph - h) / 2);
      const left = Math.floor((pw - w) / 2);
      const padded = ph === h && pw === w ? image : reflectPad(image, top, ph - h - top, left, pw - w - left);
      const first = this.callOwned(this.inputConv!, padded, kwargs);
      // Channel concatenations go to 1 × 1 convolutions as parts (see denseOfConcat).
      let x = first;
      const encs: tf.Tensor[] = [];
      this.encoders.forEach((encoder, i) => {
        const bridge = encoder.callParts(i === 0 ? [first, first] : [x], kwargs);
        encs.push(bridge);
        x = this.callOwned(this.downs[i]!, bridge, kwargs);
      });
      for (const block of this.bottlenecks) x = this.callOwned(block, x, kwargs);
      let global = x;
      const skips: tf.Tensor[] = [];
      this.crossGates.forEach((gate, k) => {
        const signal = this.skipResizes[k]!.map((r, j) => this.callOwned(r, encs[j]!, kwargs));
        if (gate instanceof CrossGatingBlock) {
          const [s, g] = gate.gate(signal, global, kwargs);
          skips.push(s);
          global = g;
        } else {
          skips.push(this.callOwned(gate[1], gate[0].callParts(signal), kwargs));
        }
      });
      this.decoders.forEach((decoder, k) => {
        const signal = this.bridgeResizes[k]!.map((r, j) => this.callOwned(r, skips[j]!, kwargs));
        x = decoder.callParts([this.callOwned(this.ups[k]!, x, kwargs), ...signal], kwargs);
      });
      const restored = tf.add(this.callOwned(this.outputConv!, x, kwargs), padded);
      return ph === h && pw === w ? restored : tf.slice(restored, [0, top, left, 0], [-1, h, w, -1]);
    });
  }
}

/** Throws a ConfigError naming `option` when an image size and the flat size disagree. */
export function checkFlatSize(owner: string, name: string, value: number, h: number, w: number, c: number): void {
  if (value !== h * w * c) throw new ConfigError(owner, name, `imageSize[0] × imageSize[1] × inputChannels = ${h} × ${w} × ${c} = ${h * w * c}`, value);
}
