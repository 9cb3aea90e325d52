import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { seededInitializer } from '../initializers.js';
import { dense } from '../ops/dense.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import type { ConfigDict, Kwargs, LayerVariable, Shape } from '../types.js';
import { oneOf, positiveInt, positiveNumber, seed32 } from '../validate.js';

export interface RandomProjectionArgs extends BlockArgs {
  units: number;
  /** An integer in [0, 2³²−1]; the same seed gives the same matrix in any process and on any backend. */
  seed: number;
  /** Default 'uniform'. */
  distribution?: 'uniform' | 'normal';
  /** Bound (uniform) or std (normal). Default 1/√inDim, PyTorch's default nn.Linear range. */
  scale?: number;
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
  readonly units: number;
  readonly seed: number;
  readonly distribution: 'uniform' | 'normal';
  readonly scale: number | undefined;
  kernel: LayerVariable | null = null;

  constructor(args: RandomProjectionArgs) {
    super(args);
    this.checkOptions(args, ['units', 'seed', 'distribution', 'scale']);
    this.units = positiveInt(this.blockName, 'units', args.units);
    this.seed = seed32(this.blockName, 'seed', args.seed);
    this.distribution = oneOf(this.blockName, 'distribution', args.distribution ?? 'uniform', ['uniform', 'normal'] as const);
    this.scale = args.scale === undefined ? undefined : positiveNumber(this.blockName, 'scale', args.scale);
  }

  override build(inputShape: Shape | Shape[]): void {
    const inDim = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    const init = seededInitializer(this.seed, this.distribution, this.scale ?? 1 / Math.sqrt(inDim));
    // getInitializerFunc keeps the seeded values even when tfjs zero-fills weights while loading a model.
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32', init, undefined, false, undefined, () => init);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...oneShape(this.blockName, inputShape).slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => dense(oneTensor(this.blockName, inputs), this.kernel!.read()));
  }

  protected blockConfig(): ConfigDict {
    const cfg: ConfigDict = { units: this.units, seed: this.seed, distribution: this.distribution };
    if (this.scale !== undefined) cfg['scale'] = this.scale;
    return cfg;
  }
}
