import * as tf from '@tensorflow/tfjs-core';
import {
  type ActivationName, AffineNorm, Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, DropPath,
  type InitializerSpec, type Kwargs, LayerScale, type Shape, getActivation, lastDim, oneShape, oneTensor, validate,
} from '@mlp-blocks/core';
import { hiddenWidth, widthOrRatio } from './widths.js';
import { checkSequence, dropout, sequenceLength, swapAxes } from './ops.js';

/** Options of a ResMlpBlock (plus the usual tfjs layer arguments). */
export interface ResMlpBlockArgs extends BlockArgs {
  /** Token count n; checked against the input when given, inferred from it otherwise. */
  tokens?: number;
  /** Channel-MLP hidden width. Give this or `channelMlpRatio`. */
  channelMlpDim?: number;
  /** Channel-MLP hidden width as a multiple of C. Default 4. */
  channelMlpRatio?: number;
  /** Default 'gelu'. */
  activation?: ActivationName;
  /** Initial LayerScale on both branches. Default 0.1 (depth 12); see `resMlpLayerScale(depth)`. */
  layerScale?: number;
  /** Dropout after each channel-MLP layer, in training. Default 0. */
  dropout?: number;
  /** Stochastic-depth rate on both residual branches. Default 0. */
  dropPath?: number;
  /** Default 'glorotUniform'. Biases start at zero. */
  kernelInitializer?: InitializerSpec;
}

const OPTIONS = ['tokens', 'channelMlpDim', 'channelMlpRatio', 'activation', 'layerScale', 'dropout', 'dropPath', 'kernelInitializer'] as const;

/**
 * The LayerScale init the ResMLP and CaiT authors use for a network of `depth` blocks: 0.1 up to depth 18,
 * 1e-5 up to 24, 1e-6 deeper.
 */
export function resMlpLayerScale(depth: number): number {
  validate.positiveInt('resMlpLayerScale', 'depth', depth);
  return depth <= 18 ? 0.1 : depth <= 24 ? 1e-5 : 1e-6;
}

/**
 * The ResMLP layer (Touvron et al. 2021) on tokens [batch, n, C]:
 * `Z = X + ls1 ⊙ (A·Aff1(X)ᵀ + a)ᵀ` (one linear n × n across tokens), then
 * `Y = Z + ls2 ⊙ W2·act(W1·Aff2(Z))`, with `Aff(x) = α ⊙ x + β` (α = 1, β = 0 at init) in place of a norm.
 */
export class ResMlpBlock extends Block {
  static className = `${CLASS_PREFIX}ResMlpBlock`;
  static override packageName = '@mlp-blocks/mixer';
  readonly channelMlpDim: number | null;
  readonly channelMlpRatio: number;
  readonly activation: ActivationName;
  readonly layerScale: number;
  readonly dropout: number;
  readonly dropPath: number;
  readonly kernelInitializer: InitializerSpec;
  /** Token count: configured, or the input's once built. */
  tokens: number | null;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private parts: {
    norm1: AffineNorm; tokenFc: Dense; ls1: LayerScale; norm2: AffineNorm; channelFc1: Dense; channelFc2: Dense; ls2: LayerScale;
    drop: DropPath | null;
  } | null = null;

  constructor(args: ResMlpBlockArgs = {}) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, OPTIONS);
    this.tokens = args.tokens === undefined || args.tokens === null ? null : validate.positiveInt(name, 'tokens', args.tokens);
    const channel = widthOrRatio(name, 'channelMlpDim', 'channelMlpRatio', args.channelMlpDim, args.channelMlpRatio, 4);
    this.channelMlpDim = channel.dim;
    this.channelMlpRatio = channel.ratio;
    this.activation = args.activation ?? 'gelu';
    this.act = getActivation(this.activation, name);
    this.layerScale = validate.positiveNumber(name, 'layerScale', args.layerScale ?? 0.1);
    this.dropout = validate.rate(name, 'dropout', args.dropout ?? 0);
    this.dropPath = validate.rate(name, 'dropPath', args.dropPath ?? 0);
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const tokens = sequenceLength(this.blockName, 'tokens', 'tokens', shape, this.tokens);
    const c = lastDim(this.blockName, shape);
    const hidden = this.channelMlpDim ?? hiddenWidth(this.blockName, 'channelMlpRatio', this.channelMlpRatio, c);
    const dense = (name: string, units: number) => this.own(new Dense({ name, units, kernelInitializer: this.kernelInitializer, biasInitializer: 'zeros' }));
    const norm1 = this.own(new AffineNorm({ name: 'norm1' }));
    const tokenFc = dense('token_fc', tokens);
    const ls1 = this.own(new LayerScale({ name: 'ls1', init: this.layerScale }));
    const norm2 = this.own(new AffineNorm({ name: 'norm2' }));
    const channelFc1 = dense('channel_fc1', hidden);
    const channelFc2 = dense('channel_fc2', c);
    const ls2 = this.own(new LayerScale({ name: 'ls2', init: this.layerScale }));
    const drop = this.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: this.dropPath })) : null;
    const b = shape[0] ?? null;
    const seq: Shape = [b, tokens, c];
    this.buildOwned(norm1, seq);
    this.buildOwned(tokenFc, [b, c, tokens]);
    this.buildOwned(ls1, seq);
    this.buildOwned(norm2, seq);
    this.buildOwned(channelFc1, seq);
    this.buildOwned(channelFc2, [b, tokens, hidden]);
    this.buildOwned(ls2, seq);
    if (drop) this.buildOwned(drop, seq);
    this.parts = { norm1, tokenFc, ls1, norm2, channelFc1, channelFc2, ls2, drop };
    this.tokens = tokens;
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    checkSequence(this.blockName, 'tokens', shape, this.tokens);
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    checkSequence(this.blockName, 'tokens', x.shape, this.tokens);
    const p = this.parts!;
    const training = this.isTraining(kwargs);
    return tf.tidy(() => {
      const t = swapAxes(this.callOwned(p.tokenFc, swapAxes(this.callOwned(p.norm1, x, kwargs)), kwargs));
      const z = tf.add(x, this.branch(this.callOwned(p.ls1, t, kwargs), kwargs));
      let h = dropout(this.act(this.callOwned(p.channelFc1, this.callOwned(p.norm2, z, kwargs), kwargs)), this.dropout, training);
      h = dropout(this.callOwned(p.channelFc2, h, kwargs), this.dropout, training);
      return tf.add(z, this.branch(this.callOwned(p.ls2, h, kwargs), kwargs));
    });
  }

  private branch(h: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    return this.parts!.drop ? this.callOwned(this.parts!.drop, h, kwargs) : h;
  }

  protected override blockConfig(): ConfigDict {
    const cfg: ConfigDict = {
      activation: this.activation,
      layerScale: this.layerScale,
      dropout: this.dropout,
      dropPath: this.dropPath,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
    };
    if (this.tokens !== null) cfg['tokens'] = this.tokens;
    if (this.channelMlpDim !== null) cfg['channelMlpDim'] = this.channelMlpDim;
    else cfg['channelMlpRatio'] = this.channelMlpRatio;
    return cfg;
  }
}
