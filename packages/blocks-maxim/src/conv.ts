import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type Kwargs, type LayerVariable, type OptionsInput, type OptionsOutput,
  type Shape, ShapeError, defineOptions, formatShape, oneShape, oneTensor, option, resolveInitializer,
} from '@mlp-blocks/core';
import { conv2dSame, convTranspose2x2, samePadding } from './image-ops.js';
import { denseOfConcat } from './split-dense.js';

/** Images [batch, height, width, channels] with known channels, or a ShapeError naming the owner. */
export function imageShape(owner: string, inputShape: Shape | Shape[]): Shape {
  const shape = oneShape(owner, inputShape);
  if (shape.length !== 4 || shape[3] == null) {
    throw new ShapeError(`${owner}: expected images [batch, height, width, channels] with known channels, received ${formatShape(shape)}`);
  }
  return shape;
}

/** The options of {@link Conv2d}. */
export const CONV2D_OPTIONS = defineOptions({
  filters: option.positiveInt('Output channels.'),
  kernelSize: option.withDefault(option.sizePair('Kernel size: one number or [height, width].'), [3, 3]),
  strides: option.withDefault(option.positiveInt('Stride along height and width.'), 1),
  useBias: option.withDefault(option.boolean('Add a learnt bias.'), true),
  kernelInitializer: option.withDefault(option.initializer("Kernel initializer (Flax's lecun normal by default)."), 'lecunNormal'),
});
/** Options of a Conv2d layer. */
export type Conv2dArgs = BlockArgs & OptionsInput<typeof CONV2D_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface Conv2d extends Readonly<OptionsOutput<typeof CONV2D_OPTIONS.entries>> {}

/**
 * A 2-D convolution with 'SAME' padding, as Flax's `nn.Conv`: kernel [kh, kw, in, out] (HWIO), bias [out].
 * Computed as im2col and one product, so it trains on every backend (wasm has no conv filter gradient).
 */
export class Conv2d extends Block {
  static className = `${CLASS_PREFIX}Conv2d`;
  static override packageName = '@mlp-blocks/maxim';
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;

  constructor(args: Conv2dArgs) {
    super(args);
    Object.assign(this, this.parseOptions(CONV2D_OPTIONS, args));
    resolveInitializer(this.kernelInitializer, 1, this.blockName, 'kernelInitializer');
  }

  override build(inputShape: Shape | Shape[]): void {
    const cin = imageShape(this.blockName, inputShape)[3]!;
    const [kh, kw] = this.kernelSize;
    this.kernel = this.addWeight('kernel', [kh, kw, cin, this.filters], 'float32',
      resolveInitializer(this.kernelInitializer, kh * kw * cin, this.blockName, 'kernelInitializer'));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', resolveInitializer('zeros', 1));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [b, h, w] = imageShape(this.blockName, inputShape);
    const out = (n: number | null, k: number) => (n == null ? null : samePadding(n, k, this.strides)[2]);
    return [b ?? null, out(h ?? null, this.kernelSize[0]), out(w ?? null, this.kernelSize[1]), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => conv2dSame(oneTensor(this.blockName, inputs), this.kernel!.read(), this.bias?.read() ?? null, this.strides));
  }

  /** A 1 × 1 convolution of the channel concatenation of `parts`, without making it (see denseOfConcat). */
  callParts(parts: tf.Tensor[]): tf.Tensor {
    if (parts.length === 1) return this.call(parts[0]!, {});
    const [kh, kw] = this.kernelSize;
    if (kh !== 1 || kw !== 1 || this.strides !== 1) throw new Error(`${this.blockName}: callParts needs a 1 × 1 convolution with stride 1`);
    return tf.tidy(() => {
      const kernel = this.kernel!.read();
      return denseOfConcat(tf.reshape(kernel, kernel.shape.slice(2)), this.bias?.read() ?? null, parts);
    });
  }
}

/** The options of {@link ConvTranspose2x2}. */
export const CONV_TRANSPOSE_OPTIONS = defineOptions({
  filters: option.positiveInt('Output channels.'),
  useBias: option.withDefault(option.boolean('Add a learnt bias.'), true),
  kernelInitializer: option.withDefault(option.initializer("Kernel initializer (Flax's lecun normal by default)."), 'lecunNormal'),
});
/** Options of a ConvTranspose2x2 layer. */
export type ConvTranspose2x2Args = BlockArgs & OptionsInput<typeof CONV_TRANSPOSE_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface ConvTranspose2x2 extends Readonly<OptionsOutput<typeof CONV_TRANSPOSE_OPTIONS.entries>> {}

/**
 * MAXIM's up-sampling: Flax's `ConvTranspose(kernel_size=(2, 2), strides=(2, 2))`, doubling height and width;
 * kernel [2, 2, in, out], bias [out]. A product and a depth-to-space, so it trains on every backend.
 */
export class ConvTranspose2x2 extends Block {
  static className = `${CLASS_PREFIX}ConvTranspose2x2`;
  static override packageName = '@mlp-blocks/maxim';
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;

  constructor(args: ConvTranspose2x2Args) {
    super(args);
    Object.assign(this, this.parseOptions(CONV_TRANSPOSE_OPTIONS, args));
    resolveInitializer(this.kernelInitializer, 1, this.blockName, 'kernelInitializer');
  }

  override build(inputShape: Shape | Shape[]): void {
    const cin = imageShape(this.blockName, inputShape)[3]!;
    // Flax's ConvTranspose takes its fan-in as kh·kw·in, like a convolution.
    this.kernel = this.addWeight('kernel', [2, 2, cin, this.filters], 'float32',
      resolveInitializer(this.kernelInitializer, 4 * cin, this.blockName, 'kernelInitializer'));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', resolveInitializer('zeros', 1));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [b, h, w] = imageShape(this.blockName, inputShape);
    return [b ?? null, h == null ? null : 2 * h, w == null ? null : 2 * w, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => convTranspose2x2(oneTensor(this.blockName, inputs), this.kernel!.read(), this.bias?.read() ?? null));
  }
}

