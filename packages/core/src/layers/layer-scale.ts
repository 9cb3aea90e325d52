import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { resolveInitializer } from '../initializers.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import type { ConfigDict, Kwargs, LayerVariable, Shape } from '../types.js';
import { positiveNumber } from '../validate.js';

/** Options of a LayerScale layer. */
export interface LayerScaleArgs extends BlockArgs {
  /** Initial per-channel scale; CaiT/ResMLP use 0.1 up to depth 18, 1e-5 at depth 24. Default 1e-5. */
  init?: number;
}

/** Learnable per-channel scaling of a residual branch (CaiT, ResMLP). */
export class LayerScale extends Block {
  static className = `${CLASS_PREFIX}LayerScale`;
  readonly init: number;
  gamma: LayerVariable | null = null;

  constructor(args: LayerScaleArgs = {}) {
    super(args);
    this.checkOptions(args, ['init']);
    this.init = positiveNumber(this.blockName, 'init', args.init ?? 1e-5);
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    this.gamma = this.addWeight('gamma', [d], 'float32', resolveInitializer({ name: 'constant', value: this.init }, d));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(oneTensor(this.blockName, inputs), this.gamma!.read()));
  }

  protected blockConfig(): ConfigDict {
    return { init: this.init };
  }
}
