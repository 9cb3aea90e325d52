import * as tf from '@tensorflow/tfjs-core';
import { normalize } from '../ops/normalize.js';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { resolveInitializer } from '../initializers.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import type { ConfigDict, Kwargs, LayerVariable, Shape } from '../types.js';
import { boolean, positiveNumber } from '../validate.js';

/** Options of a LayerNorm layer. */
export interface LayerNormArgs extends BlockArgs {
  /** Default 1e-5 (PyTorch); timm's Mixer and gMLP use 1e-6. */
  epsilon?: number;
  /** Learnable shift β (default true). */
  center?: boolean;
  /** Learnable scale γ (default true). */
  scale?: boolean;
}

/** Layer normalisation over the last axis, biased variance, as PyTorch's nn.LayerNorm. */
export class LayerNorm extends Block {
  static className = `${CLASS_PREFIX}LayerNorm`;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;

  constructor(args: LayerNormArgs = {}) {
    super(args);
    this.checkOptions(args, ['epsilon', 'center', 'scale']);
    this.epsilon = positiveNumber(this.blockName, 'epsilon', args.epsilon ?? 1e-5);
    this.center = boolean(this.blockName, 'center', args.center ?? true);
    this.scale = boolean(this.blockName, 'scale', args.scale ?? true);
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    if (this.scale) this.gamma = this.addWeight('gamma', [d], 'float32', resolveInitializer('ones', d));
    if (this.center) this.beta = this.addWeight('beta', [d], 'float32', resolveInitializer('zeros', d));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      return normalize(x, [x.rank - 1], this.epsilon, {
        gamma: this.scale ? this.gamma!.read() : null, beta: this.center ? this.beta!.read() : null,
      });
    });
  }

  protected blockConfig(): ConfigDict {
    return { epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
