import * as tf from '@tensorflow/tfjs-core';
import {
  BatchNorm, Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, type Kwargs, LayerNorm, Mlp, type OptionsInput, type OptionsOutput,
  type Shape, defineOptions, dropout, getActivation, lastDim, oneShape, oneTensor, option,
} from '@mlp-blocks/core';
import { checkSequence, sequenceLength } from './ops.js';

/** The normalisations a TsMixerBlock accepts: 'batch', 'layer' or 'none'. */
export const TS_NORMS = ['batch', 'layer', 'none'] as const;
/** Normalisation over each sample's whole [time, features] window, as the TSMixer authors' 2-D norm. */
export type TsNormKind = (typeof TS_NORMS)[number];

/** The options of {@link TsMixerBlock}, each declared once (TemporalProjection and the forecaster compose them). */
export const TSMIXER_BLOCK_OPTIONS = defineOptions({
  seqLen: option.optional(option.positiveInt("Input window length T (the authors' seq_len); checked against the input when given, inferred from it otherwise.")),
  channelMlpDim: option.withDefault(option.positiveInt("Hidden width of the feature-mixing MLP (the authors' ff_dim; 64 is their tuned value for most data sets)."), 64),
  norm: option.withDefault(option.oneOf(TS_NORMS,
    "Over each sample's whole T × C window: 'batch' (the authors' code: statistics per position over the batch, learnable scale and shift), 'layer' or 'none'."), 'batch'),
  epsilon: option.withDefault(option.positiveNumber("Norm epsilon (Keras's, as the authors' code)."), 1e-3),
  momentum: option.withDefault(option.rate('Batch-norm running-statistics momentum, PyTorch convention (Keras momentum 0.99).'), 0.01),
  activation: option.withDefault(option.activation('After the time-mixing layer and inside the feature MLP.'), 'relu'),
  dropout: option.withDefault(option.rate('Dropout after the time-mixing layer and after each feature-MLP layer, in training.'), 0.05),
  kernelInitializer: option.withDefault(option.initializer("Kernels (Keras Dense's default, as the authors' code); biases start at zero."), 'glorotUniform'),
});
/** Names TsMixerBlock used before the one vocabulary (accepted, with a warning, until the next major release). */
export const TSMIXER_BLOCK_RENAMES = { timeSteps: 'seqLen', ffDim: 'channelMlpDim' } as const;
/** The parsed options of a TsMixerBlock. */
export type TsMixerBlockOptions = OptionsOutput<typeof TSMIXER_BLOCK_OPTIONS.entries>;
/** Options of a TsMixerBlock (plus the usual tfjs layer arguments). */
export type TsMixerBlockArgs = BlockArgs & OptionsInput<typeof TSMIXER_BLOCK_OPTIONS.entries> & {
  /** @deprecated Renamed `seqLen`; accepted until the next major release. */
  timeSteps?: number | null;
  /** @deprecated Renamed `channelMlpDim`; accepted until the next major release. */
  ffDim?: number;
};

/** The parsed options are the block's properties (`seqLen` becomes the input's length once built). */
export interface TsMixerBlock extends Readonly<Omit<TsMixerBlockOptions, 'seqLen'>> {}

/**
 * The TSMixer residual block (Chen et al. 2023) on a window [batch, time T, features C]:
 * `R = X + drop(act(Norm(X)ᵀ·A + a)ᵀ)` (time mixing: one T × T linear shared by the features), then
 * `Y = R + drop(drop(act(Norm(R)·W1 + b1))·W2 + b2)` (feature mixing: core's `Mlp` C → channelMlpDim → C shared
 * by time steps, built inline, so its weights are `feature_fc1`, `feature_fc2`).
 */
export class TsMixerBlock extends Block {
  static className = `${CLASS_PREFIX}TsMixerBlock`;
  static override packageName = '@mlp-blocks/mixer';
  /** Input length: configured, or the input's once built. */
  seqLen: number | null = null;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private parts: { norm1: Block | null; timeFc: Dense; norm2: Block | null; featureMlp: Mlp } | null = null;

  constructor(args: TsMixerBlockArgs = {}) {
    super(args);
    const o = this.parseOptions(TSMIXER_BLOCK_OPTIONS, args, TSMIXER_BLOCK_RENAMES);
    Object.assign(this, o);
    this.seqLen = o.seqLen ?? null;
    this.act = getActivation(o.activation, this.blockName);
  }

  /** @deprecated Renamed `seqLen`. */
  get timeSteps(): number | null {
    return this.seqLen;
  }

  /** @deprecated Renamed `channelMlpDim`. */
  get ffDim(): number {
    return this.channelMlpDim;
  }

  private createNorm(name: string): Block | null {
    if (this.norm === 'batch') return this.own(new BatchNorm({ name, affine: true, epsilon: this.epsilon, momentum: this.momentum }));
    if (this.norm === 'layer') return this.own(new LayerNorm({ name, epsilon: this.epsilon }));
    return null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const t = sequenceLength(this.blockName, 'time steps', 'seqLen', shape, this.seqLen);
    const c = lastDim(this.blockName, shape);
    const init = { kernelInitializer: this.kernelInitializer, biasInitializer: 'zeros' } as const;
    const norm1 = this.createNorm('norm1');
    const timeFc = this.own(new Dense({ name: 'time_fc', units: t, ...init }));
    const norm2 = this.createNorm('norm2');
    const featureMlp = this.own(new Mlp({
      name: 'feature_mlp', hiddenUnits: this.channelMlpDim, activation: this.activation, dropout: this.dropout, ...init,
      layerNames: ['feature_fc1', 'feature_fc2'],
    }));
    const b = shape[0] ?? null;
    // Both norms see each sample's window flattened to T·C values: one statistic (or γ, β) per position.
    if (norm1) this.buildOwned(norm1, [b, t * c]);
    this.buildOwned(timeFc, [b, c, t]);
    if (norm2) this.buildOwned(norm2, [b, t * c]);
    this.buildOwned(featureMlp, [b, t, c], true);
    this.parts = { norm1, timeFc, norm2, featureMlp };
    this.seqLen = t;
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    checkSequence(this.blockName, 'time steps', shape, this.seqLen);
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    checkSequence(this.blockName, 'time steps', x.shape, this.seqLen);
    const p = this.parts!;
    const training = this.isTraining(kwargs);
    return tf.tidy(() => {
      const h = this.act(p.timeFc.callTokens(this.normalise(p.norm1, x, kwargs))); // along the time axis
      const r = tf.add(x, dropout(h, this.dropout, training));
      return tf.add(r, this.callOwned(p.featureMlp, this.normalise(p.norm2, r, kwargs), kwargs));
    });
  }

  private normalise(norm: Block | null, x: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    if (!norm) return x;
    const [b, t, c] = x.shape as [number, number, number];
    return tf.reshape(this.callOwned(norm, tf.reshape(x, [b, t * c]), kwargs), [b, t, c]);
  }

  /** The parsed options plus the window length learnt at build. */
  protected override blockConfig(): ConfigDict {
    const cfg = super.blockConfig();
    delete cfg['seqLen']; // placed last, whether given or learnt, so the config round-trips unchanged
    if (this.seqLen !== null) cfg['seqLen'] = this.seqLen;
    return cfg;
  }
}
