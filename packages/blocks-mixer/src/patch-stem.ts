import type * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, ConfigError, type ConfigDict, type InitializerSpec, type Kwargs, PatchEmbedding, type Shape, ShapeError,
  formatShape, oneShape, oneTensor, validate,
} from '@mlp-blocks/core';

/** Options of a PatchStem (plus the usual tfjs layer arguments). */
export interface PatchStemArgs extends BlockArgs {
  /** The image size the model is built for: one number for square images or [height, width]. */
  imageSize: number | [number, number];
  /** Patch size: one number for square patches or [height, width]. */
  patchSize: number | [number, number];
  /** Channels C of each token. */
  embedDim: number;
  /** Default 'torchUniform' (PyTorch nn.Conv2d). */
  kernelInitializer?: InitializerSpec;
}

/**
 * Images [batch, height, width, channels] → tokens [batch, n, C] through core's PatchEmbedding, pinned to one
 * image size. The token-mixing weights after it fix n, so an image of another size is refused here, with the
 * expected and received token counts, before any tfjs op sees it. Models put it right after an input whose
 * height and width are left open, so tfjs's own input check does not answer first with a bare shape.
 */
export class PatchStem extends Block {
  static className = `${CLASS_PREFIX}PatchStem`;
  static override packageName = '@mlp-blocks/mixer';
  readonly imageSize: [number, number];
  readonly patchSize: [number, number];
  readonly embedDim: number;
  readonly kernelInitializer: InitializerSpec;
  /** Rows × columns of patches. */
  readonly grid: [number, number];
  private readonly patches: PatchEmbedding;

  constructor(args: PatchStemArgs) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, ['imageSize', 'patchSize', 'embedDim', 'kernelInitializer']);
    this.imageSize = validate.pair(name, 'imageSize', args.imageSize);
    this.patchSize = validate.pair(name, 'patchSize', args.patchSize);
    this.embedDim = validate.positiveInt(name, 'embedDim', args.embedDim);
    this.kernelInitializer = args.kernelInitializer ?? 'torchUniform';
    const [[h, w], [ph, pw]] = [this.imageSize, this.patchSize];
    if (h % ph !== 0 || w % pw !== 0) {
      throw new ConfigError(name, 'patchSize', `a divisor of imageSize ${h}×${w}`, args.patchSize,
        `${name}: option "patchSize" must divide the image size ${h}×${w}, received ${ph}×${pw}`);
    }
    this.grid = [h / ph, w / pw];
    this.patches = this.own(new PatchEmbedding({ name: 'patch_embed', patchSize: this.patchSize, embedDim: this.embedDim, kernelInitializer: this.kernelInitializer }));
  }

  /** Number of tokens n = rows · columns of patches. */
  get tokens(): number {
    return this.grid[0] * this.grid[1];
  }

  private check(shape: readonly (number | null)[]): void {
    if (shape.length !== 4) {
      throw new ShapeError(`${this.blockName}: expected images [batch, height, width, channels], received shape ${formatShape(shape)}`);
    }
    const [, h, w] = shape;
    const [eh, ew] = this.imageSize;
    if ((h == null || h === eh) && (w == null || w === ew)) return;
    const [ph, pw] = this.patchSize;
    const grid = `the model is built for ${eh}×${ew} images in ${ph}×${pw} patches`;
    const received = h != null && w != null && h % ph === 0 && w % pw === 0
      ? `received ${(h / ph) * (w / pw)} tokens (a ${h}×${w} image)`
      : `received a ${h ?? '?'}×${w ?? '?'} image, which does not split into ${ph}×${pw} patches`;
    throw new ShapeError(`${this.blockName}: expected ${this.tokens} tokens (${grid}), ${received}; resize the images to ${eh}×${ew} or build the model for this size`);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    this.check(shape);
    const c = shape[3];
    if (c == null) throw new ShapeError(`${this.blockName}: the channel axis of the images must be known, received shape ${formatShape(shape)}`);
    this.buildOwned(this.patches, [shape[0] ?? null, this.imageSize[0], this.imageSize[1], c]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    this.check(shape);
    return [shape[0] ?? null, this.tokens, this.embedDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    this.check(x.shape);
    return this.callOwned(this.patches, x, kwargs);
  }

  protected override blockConfig(): ConfigDict {
    return {
      imageSize: [...this.imageSize],
      patchSize: [...this.patchSize],
      embedDim: this.embedDim,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
    };
  }
}
