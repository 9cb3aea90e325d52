import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { ShapeError } from '../errors.js';
import { seededInitializer, seededTensor } from '../initializers.js';
import { dense } from '../ops/dense.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import type { ConfigDict, Kwargs, LayerVariable, Shape } from '../types.js';

/** The options of {@link RandomProjection}. */
export const RANDOM_PROJECTION_OPTIONS = defineOptions({
  units: option.positiveInt('Output size.'),
  seed: option.seed('The same seed gives the same matrix in any process and on any backend.'),
  distribution: option.withDefault(option.oneOf(['uniform', 'normal'], 'Distribution of the entries.'), 'uniform'),
  scale: option.optional(option.positiveNumber("Bound (uniform) or std (normal); default 1/√inDim, PyTorch's nn.Linear range.")),
  persist: option.withDefault(option.boolean('Store the matrix with the weights; false regenerates it from the seed on every build and leaves it out of model.save (the config then records the input size and a fingerprint, checked on rebuild).'), true),
  inputDim: option.optional(option.positiveInt('Recorded by a non-persisted projection; checked on rebuild.')),
  fingerprint: option.optional(option.text('Recorded by a non-persisted projection; checked on rebuild.')),
});
/** Options of a RandomProjection layer; `units` is its output size. */
export type RandomProjectionArgs = BlockArgs & OptionsInput<typeof RANDOM_PROJECTION_OPTIONS.entries>;
type Parsed = OptionsOutput<typeof RANDOM_PROJECTION_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface RandomProjection extends Readonly<Omit<Parsed, 'inputDim' | 'fingerprint'>> {}

/** FNV-1a over the matrix bytes: a cheap check that a regenerated matrix is the one that was trained with. */
export function fingerprintOf(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * A fixed random linear map `x · R`, R of shape [inDim, units], never trained. R is drawn by the project's own
 * seeded generator (mulberry32, row-major), not tf.random*, so it is identical everywhere and can be
 * regenerated from (seed, shape) instead of stored. The uniform draw is exact in every JS engine; the normal
 * draw goes through Math.log/cos, which are bit-identical across Node processes but not guaranteed so
 * across different JS engines.
 */
export class RandomProjection extends Block {
  static className = `${CLASS_PREFIX}RandomProjection`;
  private inputDim: number | null;
  private fingerprint: string | null;
  kernel: LayerVariable | null = null;
  /** The regenerated matrix of a non-persisted projection (not a weight, so never saved). */
  private matrix: tf.Tensor | null = null;

  constructor(args: RandomProjectionArgs) {
    super(args);
    const { inputDim, fingerprint, ...own } = this.parseOptions(RANDOM_PROJECTION_OPTIONS, args);
    Object.assign(this, own);
    this.inputDim = inputDim ?? null;
    this.fingerprint = fingerprint ?? null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inDim = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    const scale = this.scale ?? 1 / Math.sqrt(inDim);
    if (this.persist) {
      const init = seededInitializer(this.seed, this.distribution, scale);
      // getInitializerFunc keeps the seeded values even when tfjs zero-fills weights while loading a model.
      this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32', init, undefined, false, undefined, () => init);
    } else {
      this.regenerate(inDim, scale);
    }
    this.built = true;
  }

  private regenerate(inDim: number, scale: number): void {
    const where = `${this.blockName} "${this.name}"`;
    if (this.inputDim !== null && this.inputDim !== inDim) {
      throw new ShapeError(`${where}: the saved configuration was made for input size ${this.inputDim}, but the input's last axis is ${inDim}`);
    }
    const matrix = seededTensor(this.seed, [inDim, this.units], this.distribution, scale);
    const fingerprint = fingerprintOf(matrix.dataSync() as Float32Array);
    if (this.fingerprint !== null && this.fingerprint !== fingerprint) {
      matrix.dispose();
      throw new Error(`${where}: the matrix regenerated from seed ${this.seed} with shape [${inDim}, ${this.units}] has fingerprint ` +
        `${fingerprint}, but the saved configuration recorded ${this.fingerprint}; it was made by a different generator or settings`);
    }
    this.matrix = tf.keep(matrix);
    this.inputDim = inDim;
    this.fingerprint = fingerprint;
  }

  /** Parameters held outside the layer's weights (a non-persisted matrix): frozen, regenerated, never saved. */
  override frozenParamCount(): number {
    return this.matrix ? this.matrix.size : 0;
  }

  override dispose(): ReturnType<Block['dispose']> {
    this.matrix?.dispose();
    this.matrix = null;
    return super.dispose();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...oneShape(this.blockName, inputShape).slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => dense(oneTensor(this.blockName, inputs), this.matrix ?? this.kernel!.read()));
  }

  protected override blockConfig(): ConfigDict {
    const cfg: ConfigDict = { units: this.units, seed: this.seed, distribution: this.distribution };
    if (this.scale != null) cfg['scale'] = this.scale;
    if (!this.persist) {
      cfg['persist'] = false;
      if (this.inputDim !== null) cfg['inputDim'] = this.inputDim;
      if (this.fingerprint !== null) cfg['fingerprint'] = this.fingerprint;
    }
    return cfg;
  }
}
