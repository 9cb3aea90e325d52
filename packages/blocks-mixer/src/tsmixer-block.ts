import * as tf from '@tensorflow/tfjs-core';
import {
  type ActivationName, BatchNorm, Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, type InitializerSpec, type Kwargs,
  LayerNorm, type Shape, getActivation, lastDim, oneShape, oneTensor, validate,
} from '@mlp-blocks/core';
import { checkSequence, dropout, sequenceLength, swapAxes } from './ops.js';

/** The normalisations a TsMixerBlock accepts: 'batch', 'layer' or 'none'. */
export const TS_NORMS = ['batch', 'layer', 'none'] as const;
/** Normalisation over each sample's whole [time, features] window, as the TSMixer authors' 2-D norm. */
export type TsNormKind = (typeof TS_NORMS)[number];

/** Options of a TsMixerBlock (plus the usual tfjs layer arguments). */
export interface TsMixerBlockArgs extends BlockArgs {
  /** Input length T; checked against the input when given, inferred from it otherwise. */
  timeSteps?: number;
  /** Hidden width of the feature-mixing MLP. Default 64 (the authors' tuned value for most data sets). */
  ffDim?: number;
  /**
   * 'batch' (default, as the authors' code: statistics per (time, feature) position over the batch, learnable
   * scale and shift), 'layer' (over time and features of each sample) or 'none'.
   */
  norm?: TsNormKind;
  /** Norm epsilon. Default 1e-3 (Keras, as the authors' code). */
  epsilon?: number;
  /** Batch-norm running-statistics momentum, PyTorch convention. Default 0.01 (Keras momentum 0.99). */
  momentum?: number;
  /** Default 'relu'. */
  activation?: ActivationName;
  /** Dropout after the time-mixing layer and after each feature-mixing layer, in training. Default 0.05. */
  dropout?: number;
  /** Default 'glorotUniform' (Keras Dense). Biases start at zero. */
  kernelInitializer?: InitializerSpec;
}

const OPTIONS = ['timeSteps', 'ffDim', 'norm', 'epsilon', 'momentum', 'activation', 'dropout', 'kernelInitializer'] as const;

/**
 * The TSMixer residual block (Chen et al. 2023) on a window [batch, time T, features C]:
 * `R = X + drop(act(Norm(X)ᵀ·A + a)ᵀ)` (time mixing: one T × T linear shared by the features), then
 * `Y = R + drop(drop(act(Norm(R)·W1 + b1))·W2 + b2)` (feature mixing: an MLP C → ffDim → C shared by time steps).
 */
export class TsMixerBlock extends Block {
  static className = `${CLASS_PREFIX}TsMixerBlock`;
  static override packageName = '@mlp-blocks/mixer';
  readonly ffDim: number;
  readonly norm: TsNormKind;
  readonly epsilon: number;
  readonly momentum: number;
  readonly activation: ActivationName;
  readonly dropout: number;
  readonly kernelInitializer: InitializerSpec;
  /** Input length: configured, or the input's once built. */
  timeSteps: number | null;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private parts: { norm1: Block | null; timeFc: Dense; norm2: Block | null; featureFc1: Dense; featureFc2: Dense } | null = null;

  constructor(args: TsMixerBlockArgs = {}) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, OPTIONS);
    this.timeSteps = args.timeSteps === undefined || args.timeSteps === null ? null : validate.positiveInt(name, 'timeSteps', args.timeSteps);
    this.ffDim = validate.positiveInt(name, 'ffDim', args.ffDim ?? 64);
    this.norm = validate.oneOf(name, 'norm', args.norm ?? 'batch', TS_NORMS);
    this.epsilon = validate.positiveNumber(name, 'epsilon', args.epsilon ?? 1e-3);
    this.momentum = validate.rate(name, 'momentum', args.momentum ?? 0.01);
    this.activation = args.activation ?? 'relu';
    this.act = getActivation(this.activation, name);
    this.dropout = validate.rate(name, 'dropout', args.dropout ?? 0.05);
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
  }

  private createNorm(name: string): Block | null {
    if (this.norm === 'batch') return this.own(new BatchNorm({ name, affine: true, epsilon: this.epsilon, momentum: this.momentum }));
    if (this.norm === 'layer') return this.own(new LayerNorm({ name, epsilon: this.epsilon }));
    return null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const t = sequenceLength(this.blockName, 'time steps', 'timeSteps', shape, this.timeSteps);
    const c = lastDim(this.blockName, shape);
    const dense = (name: string, units: number) => this.own(new Dense({ name, units, kernelInitializer: this.kernelInitializer, biasInitializer: 'zeros' }));
    const norm1 = this.createNorm('norm1');
    const timeFc = dense('time_fc', t);
    const norm2 = this.createNorm('norm2');
    const featureFc1 = dense('feature_fc1', this.ffDim);
    const featureFc2 = dense('feature_fc2', c);
    const b = shape[0] ?? null;
    // Both norms see each sample's window flattened to T·C values: one statistic (or γ, β) per position.
    if (norm1) this.buildOwned(norm1, [b, t * c]);
    this.buildOwned(timeFc, [b, c, t]);
    if (norm2) this.buildOwned(norm2, [b, t * c]);
    this.buildOwned(featureFc1, [b, t, c]);
    this.buildOwned(featureFc2, [b, t, this.ffDim]);
    this.parts = { norm1, timeFc, norm2, featureFc1, featureFc2 };
    this.timeSteps = t;
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    checkSequence(this.blockName, 'time steps', shape, this.timeSteps);
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    checkSequence(this.blockName, 'time steps', x.shape, this.timeSteps);
    const p = this.parts!;
    const training = this.isTraining(kwargs);
    return tf.tidy(() => {
      const h = swapAxes(this.act(this.callOwned(p.timeFc, swapAxes(this.normalise(p.norm1, x, kwargs)), kwargs)));
      const r = tf.add(x, dropout(h, this.dropout, training));
      let g = dropout(this.act(this.callOwned(p.featureFc1, this.normalise(p.norm2, r, kwargs), kwargs)), this.dropout, training);
      g = dropout(this.callOwned(p.featureFc2, g, kwargs), this.dropout, training);
      return tf.add(r, g);
    });
  }

  private normalise(norm: Block | null, x: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    if (!norm) return x;
    const [b, t, c] = x.shape as [number, number, number];
    return tf.reshape(this.callOwned(norm, tf.reshape(x, [b, t * c]), kwargs), [b, t, c]);
  }

  protected override blockConfig(): ConfigDict {
    const cfg: ConfigDict = {
      ffDim: this.ffDim,
      norm: this.norm,
      epsilon: this.epsilon,
      momentum: this.momentum,
      activation: this.activation,
      dropout: this.dropout,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
    };
    if (this.timeSteps !== null) cfg['timeSteps'] = this.timeSteps;
    return cfg;
  }
}
