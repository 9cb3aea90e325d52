import type * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, ConfigError, type Kwargs, type OptionsInput, type OptionsOutput, PATCH_EMBEDDING_OPTIONS, PatchEmbedding,
  type Shape, ShapeError, defineOptions, formatShape, oneShape, oneTensor, option, pickOptions,
} from '@mlp-blocks/core';

/** The options of {@link PatchStem}: the image size it is pinned to, and core's PatchEmbedding options it passes on. */
export const PATCH_STEM_OPTIONS = defineOptions({
  imageSize: option.sizePair('The image size the model is built for: one number for square images or [height, width].'),
  ...pickOptions(PATCH_EMBEDDING_OPTIONS, ['patchSize', 'embedDim', 'kernelInitializer']),
});
/** The parsed options of a PatchStem (sizes as [height, width] pairs). */
export type PatchStemOptions = OptionsOutput<typeof PATCH_STEM_OPTIONS.entries>;
/** Options of a PatchStem (plus the usual tfjs layer arguments). */
export type PatchStemArgs = BlockArgs & OptionsInput<typeof PATCH_STEM_OPTIONS.entries>;

/** The parsed options are the stem's properties. */
export interface PatchStem extends Readonly<PatchStemOptions> {}

/** Throws the ConfigError of a patch size that does not divide the image size (PatchStem and the classifiers). */
export function checkPatchDividesImage(owner: string, imageSize: [number, number], patchSize: [number, number], received: unknown): void {
  const [[h, w], [ph, pw]] = [imageSize, patchSize];
  if (h % ph !== 0 || w % pw !== 0) {
    throw new ConfigError(owner, 'patchSize', `a divisor of imageSize ${h}×${w}`, received,
      `${owner}: option "patchSize" must divide the image size ${h}×${w}, received ${ph}×${pw}`);
  }
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
  /** Rows × columns of patches. */
  readonly grid: [number, number];
  private readonly patches: PatchEmbedding;

  constructor(args: PatchStemArgs) {
    super(args);
    const o = this.parseOptions(PATCH_STEM_OPTIONS, args);
    checkPatchDividesImage(this.blockName, o.imageSize, o.patchSize, (args as { patchSize?: unknown }).patchSize);
    Object.assign(this, o);
    this.grid = [o.imageSize[0] / o.patchSize[0], o.imageSize[1] / o.patchSize[1]];
    this.patches = this.own(new PatchEmbedding({ name: 'patch_embed', patchSize: o.patchSize, embedDim: o.embedDim, kernelInitializer: o.kernelInitializer }));
  }

  /** Number of tokens n = rows · columns of patches. */
  get seqLen(): number {
    return this.grid[0] * this.grid[1];
  }

  /** @deprecated Renamed `seqLen`. */
  get tokens(): number {
    return this.seqLen;
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
    throw new ShapeError(`${this.blockName}: expected ${this.seqLen} tokens (${grid}), ${received}; resize the images to ${eh}×${ew} or build the model for this size`);
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
    return [shape[0] ?? null, this.seqLen, this.embedDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    this.check(x.shape);
    return this.callOwned(this.patches, x, kwargs);
  }
}
