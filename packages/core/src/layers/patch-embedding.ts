import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { ShapeError } from '../errors.js';
import { resolveInitializer } from '../initializers.js';
import { dense } from '../ops/dense.js';
import { formatShape, oneShape, oneTensor } from '../shapes.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import type { Kwargs, LayerVariable, Shape } from '../types.js';

/** The options of {@link PatchEmbedding}. */
export const PATCH_EMBEDDING_OPTIONS = defineOptions({
  patchSize: option.sizePair('Patch size: one number for square patches or [height, width].'),
  embedDim: option.positiveInt('Channels of each token.'),
  useBias: option.withDefault(option.boolean('Add a learnt bias.'), true),
  kernelInitializer: option.withDefault(option.initializer('Kernel initializer (PyTorch nn.Conv2d by default).'), 'torchUniform'),
  biasInitializer: option.withDefault(option.initializer('Bias initializer (PyTorch nn.Conv2d by default).'), 'torchUniform'),
});
/** Options of a PatchEmbedding layer. */
export type PatchEmbeddingArgs = BlockArgs & OptionsInput<typeof PATCH_EMBEDDING_OPTIONS.entries>;
/** The parsed options are the layer's properties (`patchSize` as a [height, width] pair). */
export interface PatchEmbedding extends Readonly<OptionsOutput<typeof PATCH_EMBEDDING_OPTIONS.entries>> {}

/** Rows × columns of patches for an image, or a ShapeError naming the size that does not divide. */
export function patchGrid(owner: string, height: number, width: number, patch: [number, number]): [number, number] {
  const [ph, pw] = patch;
  if (height % ph !== 0) throw new ShapeError(`${owner}: image height ${height} is not divisible by patch height ${ph}`);
  if (width % pw !== 0) throw new ShapeError(`${owner}: image width ${width} is not divisible by patch width ${pw}`);
  return [height / ph, width / pw];
}

/**
 * Images [batch, height, width, channels] → tokens [batch, rows·cols, embedDim], each token a linear map of
 * its flattened patch (ordered patch-row, patch-column, channel). Equal to a convolution with
 * stride = kernel = patch, done as reshape/transpose/matmul because wasm lacks conv filter gradients.
 */
export class PatchEmbedding extends Block {
  static className = `${CLASS_PREFIX}PatchEmbedding`;
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;
  /** Number of tokens, known after build. */
  numPatches: number | null = null;

  constructor(args: PatchEmbeddingArgs) {
    super(args);
    Object.assign(this, this.parseOptions(PATCH_EMBEDDING_OPTIONS, args));
    resolveInitializer(this.kernelInitializer, 1, this.blockName, 'kernelInitializer');
    resolveInitializer(this.biasInitializer, 1, this.blockName, 'biasInitializer');
  }

  private imageShape(inputShape: Shape | Shape[]): [number, number, number] {
    const shape = oneShape(this.blockName, inputShape);
    const [, h, w, c] = shape;
    if (shape.length !== 4 || h == null || w == null || c == null) {
      throw new ShapeError(`${this.blockName}: expected images [batch, height, width, channels] with known sizes, received ${formatShape(shape)}`);
    }
    return [h, w, c];
  }

  override build(inputShape: Shape | Shape[]): void {
    const [h, w, c] = this.imageShape(inputShape);
    const [rows, cols] = patchGrid(this.blockName, h, w, this.patchSize);
    this.numPatches = rows * cols;
    const fanIn = this.patchSize[0] * this.patchSize[1] * c;
    this.kernel = this.addWeight('kernel', [fanIn, this.embedDim], 'float32', resolveInitializer(this.kernelInitializer, fanIn));
    if (this.useBias) this.bias = this.addWeight('bias', [this.embedDim], 'float32', resolveInitializer(this.biasInitializer, fanIn));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    const [h, w] = this.imageShape(inputShape);
    const [rows, cols] = patchGrid(this.blockName, h, w, this.patchSize);
    return [shape[0] ?? null, rows * cols, this.embedDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const [b, h, w, c] = x.shape as [number, number, number, number];
      const [ph, pw] = this.patchSize;
      const [rows, cols] = patchGrid(this.blockName, h, w, this.patchSize);
      // [b·rows, ph, cols, pw·c] → [b·rows, cols, ph, pw·c]: rank-4 transposes only (fast on every backend).
      const patches = tf.transpose(tf.reshape(x, [b * rows, ph, cols, pw * c]), [0, 2, 1, 3]);
      const tokens = tf.reshape(patches, [b, rows * cols, ph * pw * c]);
      return dense(tokens, this.kernel!.read(), this.bias?.read());
    });
  }
}
