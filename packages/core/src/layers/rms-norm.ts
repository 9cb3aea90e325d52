import * as tf from '@tensorflow/tfjs-core';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { resolveInitializer } from '../initializers.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import type { ConfigDict, Kwargs, LayerVariable, Shape } from '../types.js';
import { boolean, positiveNumber } from '../validate.js';

/** Options of an RmsNorm layer. */
export interface RmsNormArgs extends BlockArgs {
  /** Default 1e-6. */
  epsilon?: number;
  /** Learnable per-channel scale (default true). */
  scale?: boolean;
}

/** Root-mean-square normalisation over the last axis: x / √(mean(x²) + ε) · γ. */
export class RmsNorm extends Block {
  static className = `${CLASS_PREFIX}RmsNorm`;
  readonly epsilon: number;
  readonly scale: boolean;
  gamma: LayerVariable | null = null;

  constructor(args: RmsNormArgs = {}) {
    super(args);
    this.checkOptions(args, ['epsilon', 'scale']);
    this.epsilon = positiveNumber(this.blockName, 'epsilon', args.epsilon ?? 1e-6);
    this.scale = boolean(this.blockName, 'scale', args.scale ?? true);
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    if (this.scale) this.gamma = this.addWeight('gamma', [d], 'float32', resolveInitializer('ones', d));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const y = tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.epsilon)));
      return this.scale ? tf.mul(y, this.gamma!.read()) : y;
    });
  }

  protected blockConfig(): ConfigDict {
    return { epsilon: this.epsilon, scale: this.scale };
  }
}
