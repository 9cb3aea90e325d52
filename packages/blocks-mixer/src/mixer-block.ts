import * as tf from '@tensorflow/tfjs-core';
import {
  type ActivationName, Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, DropPath, type InitializerSpec,
  type Kwargs, LayerNorm, LayerScale, type Shape, getActivation, lastDim, oneShape, oneTensor, validate,
} from '@mlp-blocks/core';
import { checkSequence, dropout, sequenceLength, swapAxes } from './ops.js';
import { hiddenWidth, widthOrRatio } from './widths.js';

/** Options of a MixerBlock (plus the usual tfjs layer arguments). */
export interface MixerBlockArgs extends BlockArgs {
  /** Token count n; checked against the input when given, inferred from it otherwise. */
  tokens?: number;
  /** Token-mixing hidden width D_S. Give this or `tokenMlpRatio`. */
  tokenMlpDim?: number;
  /** D_S as a multiple of the channel count C (timm's convention). Default 0.5. */
  tokenMlpRatio?: number;
  /** Channel-mixing hidden width D_C. Give this or `channelMlpRatio`. */
  channelMlpDim?: number;
  /** D_C as a multiple of C. Default 4. */
  channelMlpRatio?: number;
  /** Default 'gelu' (exact erf form, as PyTorch's nn.GELU). */
  activation?: ActivationName;
  /** LayerNorm epsilon. Default 1e-6 (timm's Mixer). */
  epsilon?: number;
  /** Dropout after each MLP layer, in training. Default 0. */
  dropout?: number;
  /** Stochastic-depth rate on both residual branches. Default 0. */
  dropPath?: number;
  /** Initial per-channel LayerScale on both branches, or 0 for none (default). */
  layerScale?: number;
  /** Default 'glorotUniform' (timm's Mixer init). Biases start at zero. */
  kernelInitializer?: InitializerSpec;
}

const OPTIONS = ['tokens', 'tokenMlpDim', 'tokenMlpRatio', 'channelMlpDim', 'channelMlpRatio', 'activation', 'epsilon', 'dropout',
  'dropPath', 'layerScale', 'kernelInitializer'] as const;

/**
 * The MLP-Mixer layer (Tolstikhin et al. 2021) on tokens [batch, n, C]:
 * `U = X + W2·act(W1·LN(X)ᵀ)ᵀ` (token mixing across the n tokens, hidden D_S, shared by channels), then
 * `Y = U + W4·act(W3·LN(U))` (channel mixing, hidden D_C, shared by tokens). The token-mixing weights fix n:
 * another token count fails with an error naming both counts.
 */
export class MixerBlock extends Block {
  static className = `${CLASS_PREFIX}MixerBlock`;
  static override packageName = '@mlp-blocks/mixer';
  readonly tokenMlpDim: number | null;
  readonly tokenMlpRatio: number;
  readonly channelMlpDim: number | null;
  readonly channelMlpRatio: number;
  readonly activation: ActivationName;
  readonly epsilon: number;
  readonly dropout: number;
  readonly dropPath: number;
  readonly layerScale: number;
  readonly kernelInitializer: InitializerSpec;
  /** Token count: configured, or the input's once built. */
  tokens: number | null;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private parts: {
    norm1: LayerNorm; tokenFc1: Dense; tokenFc2: Dense; norm2: LayerNorm; channelFc1: Dense; channelFc2: Dense;
    ls1: LayerScale | null; ls2: LayerScale | null; drop: DropPath | null;
  } | null = null;

  constructor(args: MixerBlockArgs = {}) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, OPTIONS);
    this.tokens = args.tokens === undefined || args.tokens === null ? null : validate.positiveInt(name, 'tokens', args.tokens);
    const token = widthOrRatio(name, 'tokenMlpDim', 'tokenMlpRatio', args.tokenMlpDim, args.tokenMlpRatio, 0.5);
    const channel = widthOrRatio(name, 'channelMlpDim', 'channelMlpRatio', args.channelMlpDim, args.channelMlpRatio, 4);
    this.tokenMlpDim = token.dim;
    this.tokenMlpRatio = token.ratio;
    this.channelMlpDim = channel.dim;
    this.channelMlpRatio = channel.ratio;
    this.activation = args.activation ?? 'gelu';
    this.act = getActivation(this.activation, name);
    this.epsilon = validate.positiveNumber(name, 'epsilon', args.epsilon ?? 1e-6);
    this.dropout = validate.rate(name, 'dropout', args.dropout ?? 0);
    this.dropPath = validate.rate(name, 'dropPath', args.dropPath ?? 0);
    this.layerScale = args.layerScale === undefined || args.layerScale === 0 ? 0 : validate.positiveNumber(name, 'layerScale', args.layerScale);
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
  }

  /** D_S and D_C for a given channel count. */
  hiddenWidths(channels: number): { token: number; channel: number } {
    return {
      token: this.tokenMlpDim ?? hiddenWidth(this.blockName, 'tokenMlpRatio', this.tokenMlpRatio, channels),
      channel: this.channelMlpDim ?? hiddenWidth(this.blockName, 'channelMlpRatio', this.channelMlpRatio, channels),
    };
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const tokens = sequenceLength(this.blockName, 'tokens', 'tokens', shape, this.tokens);
    const c = lastDim(this.blockName, shape);
    const { token, channel } = this.hiddenWidths(c);
    const dense = (name: string, units: number) => this.own(new Dense({ name, units, kernelInitializer: this.kernelInitializer, biasInitializer: 'zeros' }));
    const norm1 = this.own(new LayerNorm({ name: 'norm1', epsilon: this.epsilon }));
    const tokenFc1 = dense('token_fc1', token);
    const tokenFc2 = dense('token_fc2', tokens);
    const norm2 = this.own(new LayerNorm({ name: 'norm2', epsilon: this.epsilon }));
    const channelFc1 = dense('channel_fc1', channel);
    const channelFc2 = dense('channel_fc2', c);
    const ls1 = this.layerScale > 0 ? this.own(new LayerScale({ name: 'ls1', init: this.layerScale })) : null;
    const ls2 = this.layerScale > 0 ? this.own(new LayerScale({ name: 'ls2', init: this.layerScale })) : null;
    const drop = this.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: this.dropPath })) : null;
    const b = shape[0] ?? null;
    const seq: Shape = [b, tokens, c];
    this.buildOwned(norm1, seq);
    this.buildOwned(tokenFc1, [b, c, tokens]);
    this.buildOwned(tokenFc2, [b, c, token]);
    this.buildOwned(norm2, seq);
    this.buildOwned(channelFc1, seq);
    this.buildOwned(channelFc2, [b, tokens, channel]);
    if (ls1) this.buildOwned(ls1, seq);
    if (ls2) this.buildOwned(ls2, seq);
    if (drop) this.buildOwned(drop, seq);
    this.parts = { norm1, tokenFc1, tokenFc2, norm2, channelFc1, channelFc2, ls1, ls2, drop };
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
      // Token mixing: the MLP runs along the token axis, so swap it last and back.
      let h = swapAxes(this.callOwned(p.norm1, x, kwargs));
      h = dropout(this.act(this.callOwned(p.tokenFc1, h, kwargs)), this.dropout, training);
      h = swapAxes(dropout(this.callOwned(p.tokenFc2, h, kwargs), this.dropout, training));
      const u = tf.add(x, this.branch(h, p.ls1, kwargs));
      // Channel mixing.
      let g = dropout(this.act(this.callOwned(p.channelFc1, this.callOwned(p.norm2, u, kwargs), kwargs)), this.dropout, training);
      g = dropout(this.callOwned(p.channelFc2, g, kwargs), this.dropout, training);
      return tf.add(u, this.branch(g, p.ls2, kwargs));
    });
  }

  /** LayerScale then DropPath on a residual branch (timm's order). */
  private branch(h: tf.Tensor, scale: LayerScale | null, kwargs: Kwargs): tf.Tensor {
    const scaled = scale ? this.callOwned(scale, h, kwargs) : h;
    return this.parts!.drop ? this.callOwned(this.parts!.drop, scaled, kwargs) : scaled;
  }

  protected override blockConfig(): ConfigDict {
    const cfg: ConfigDict = {
      activation: this.activation,
      epsilon: this.epsilon,
      dropout: this.dropout,
      dropPath: this.dropPath,
      layerScale: this.layerScale,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
    };
    if (this.tokens !== null) cfg['tokens'] = this.tokens;
    if (this.tokenMlpDim !== null) cfg['tokenMlpDim'] = this.tokenMlpDim;
    else cfg['tokenMlpRatio'] = this.tokenMlpRatio;
    if (this.channelMlpDim !== null) cfg['channelMlpDim'] = this.channelMlpDim;
    else cfg['channelMlpRatio'] = this.channelMlpRatio;
    return cfg;
  }
}
