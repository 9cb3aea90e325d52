import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, DropPath, type Kwargs, LayerNorm, LayerScale, Mlp, type OptionsInput,
  type OptionsOutput, type Shape, defineOptions, lastDim, oneShape, oneTensor, option,
} from '@mlp-blocks/core';
import { checkSequence, sequenceLength } from './ops.js';
import { checkWidthOrRatio, hiddenWidth } from './widths.js';

/** The options of {@link MixerBlock}, each declared once (ResMlpBlock and the classifiers compose them). */
export const MIXER_BLOCK_OPTIONS = defineOptions({
  seqLen: option.optional(option.positiveInt("Token count n; checked against the input when given, inferred from it otherwise (timm's seq_len).")),
  tokenMlpDim: option.optional(option.positiveInt('Token-mixing hidden width D_S; give this or tokenMlpRatio, not both.')),
  tokenMlpRatio: option.withDefault(option.positiveNumber("D_S as a multiple of the channel count C (timm's convention: floor(ratio · C)); used when tokenMlpDim is left out."), 0.5),
  channelMlpDim: option.optional(option.positiveInt('Channel-MLP hidden width D_C; give this or channelMlpRatio, not both.')),
  channelMlpRatio: option.withDefault(option.positiveNumber('D_C as a multiple of C (floor(ratio · C)); used when channelMlpDim is left out.'), 4),
  activation: option.withDefault(option.activation("Inside the MLPs ('gelu' is the exact erf form, as PyTorch's nn.GELU)."), 'gelu'),
  epsilon: option.withDefault(option.positiveNumber("LayerNorm epsilon (timm's Mixer)."), 1e-6),
  dropout: option.withDefault(option.rate('Dropout after each MLP layer, in training.'), 0),
  dropPath: option.withDefault(option.rate('Stochastic-depth rate on both residual branches.'), 0),
  layerScale: option.withDefault(option.zeroOrPositive('Initial per-channel LayerScale on both residual branches, or 0 for none (as the paper).'), 0),
  kernelInitializer: option.withDefault(option.initializer("Kernels of the block's linear layers (Glorot uniform, as timm initialises these models); biases start at zero."), 'glorotUniform'),
});
/** Names MixerBlock used before the one vocabulary (accepted, with a warning, until the next major release). */
export const MIXER_BLOCK_RENAMES = { tokens: 'seqLen' } as const;
/** The parsed options of a MixerBlock. */
export type MixerBlockOptions = OptionsOutput<typeof MIXER_BLOCK_OPTIONS.entries>;
/** Options of a MixerBlock (plus the usual tfjs layer arguments such as `name`). */
export type MixerBlockArgs = BlockArgs & OptionsInput<typeof MIXER_BLOCK_OPTIONS.entries> & {
  /** @deprecated Renamed `seqLen`; accepted until the next major release. */
  tokens?: number | null;
};

/** The parsed options are the block's properties (`seqLen` becomes the input's token count once built). */
export interface MixerBlock extends Readonly<Omit<MixerBlockOptions, 'seqLen'>> {}

/**
 * The MLP-Mixer layer (Tolstikhin et al. 2021) on tokens [batch, n, C]:
 * `U = X + W2·act(W1·LN(X)ᵀ)ᵀ` (token mixing across the n tokens, hidden D_S, shared by channels), then
 * `Y = U + W4·act(W3·LN(U))` (channel mixing, hidden D_C, shared by tokens). Both MLPs are core's `Mlp`, built
 * inline, so the weights are `norm1`, `token_fc1`, `token_fc2`, `norm2`, `channel_fc1`, `channel_fc2` (and `ls1`,
 * `ls2`). The token-mixing weights fix n: another token count fails with an error naming both counts.
 */
export class MixerBlock extends Block {
  static className = `${CLASS_PREFIX}MixerBlock`;
  static override packageName = '@mlp-blocks/mixer';
  /** Token count: configured, or the input's once built. */
  seqLen: number | null = null;
  private parts: {
    norm1: LayerNorm; tokenMlp: Mlp; norm2: LayerNorm; channelMlp: Mlp; ls1: LayerScale | null; ls2: LayerScale | null; drop: DropPath | null;
  } | null = null;

  constructor(args: MixerBlockArgs = {}) {
    super(args);
    const o = this.parseOptions(MIXER_BLOCK_OPTIONS, args, MIXER_BLOCK_RENAMES);
    checkWidthOrRatio(this.blockName, args, 'tokenMlpDim', 'tokenMlpRatio');
    checkWidthOrRatio(this.blockName, args, 'channelMlpDim', 'channelMlpRatio');
    Object.assign(this, o);
    this.seqLen = o.seqLen ?? null;
  }

  /** @deprecated Renamed `seqLen`. */
  get tokens(): number | null {
    return this.seqLen;
  }

  /** D_S and D_C for a given channel count. */
  hiddenWidths(channels: number): { token: number; channel: number } {
    return {
      token: this.tokenMlpDim ?? hiddenWidth(this.blockName, 'tokenMlpRatio', this.tokenMlpRatio, channels),
      channel: this.channelMlpDim ?? hiddenWidth(this.blockName, 'channelMlpRatio', this.channelMlpRatio, channels),
    };
  }

  private mlp(name: string, hiddenUnits: number, layerNames: [string, string]): Mlp {
    return this.own(new Mlp({
      name, hiddenUnits, activation: this.activation, dropout: this.dropout, kernelInitializer: this.kernelInitializer, biasInitializer: 'zeros',
      layerNames,
    }));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const n = sequenceLength(this.blockName, 'tokens', 'seqLen', shape, this.seqLen);
    const c = lastDim(this.blockName, shape);
    const { token, channel } = this.hiddenWidths(c);
    const norm1 = this.own(new LayerNorm({ name: 'norm1', epsilon: this.epsilon }));
    const tokenMlp = this.mlp('token_mlp', token, ['token_fc1', 'token_fc2']);
    const norm2 = this.own(new LayerNorm({ name: 'norm2', epsilon: this.epsilon }));
    const channelMlp = this.mlp('channel_mlp', channel, ['channel_fc1', 'channel_fc2']);
    const ls1 = this.layerScale > 0 ? this.own(new LayerScale({ name: 'ls1', init: this.layerScale })) : null;
    const ls2 = this.layerScale > 0 ? this.own(new LayerScale({ name: 'ls2', init: this.layerScale })) : null;
    const drop = this.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: this.dropPath })) : null;
    const b = shape[0] ?? null;
    const seq: Shape = [b, n, c];
    this.buildOwned(norm1, seq);
    this.buildOwned(tokenMlp, [b, c, n], true); // along the token axis: [batch, C, n]
    this.buildOwned(norm2, seq);
    this.buildOwned(channelMlp, seq, true);
    if (ls1) this.buildOwned(ls1, seq);
    if (ls2) this.buildOwned(ls2, seq);
    if (drop) this.buildOwned(drop, seq);
    this.parts = { norm1, tokenMlp, norm2, channelMlp, ls1, ls2, drop };
    this.seqLen = n;
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    checkSequence(this.blockName, 'tokens', shape, this.seqLen);
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    checkSequence(this.blockName, 'tokens', x.shape, this.seqLen);
    const p = this.parts!;
    return tf.tidy(() => {
      // Token mixing: the MLP runs along the token axis (swapped last and back where the backend needs it).
      const h = p.tokenMlp.callTokens(this.callOwned(p.norm1, x, kwargs), kwargs);
      const u = tf.add(x, this.branch(h, p.ls1, kwargs));
      const g = this.callOwned(p.channelMlp, this.callOwned(p.norm2, u, kwargs), kwargs);
      return tf.add(u, this.branch(g, p.ls2, kwargs));
    });
  }

  /** LayerScale then DropPath on a residual branch (timm's order). */
  private branch(h: tf.Tensor, scale: LayerScale | null, kwargs: Kwargs): tf.Tensor {
    const scaled = scale ? this.callOwned(scale, h, kwargs) : h;
    return this.parts!.drop ? this.callOwned(this.parts!.drop, scaled, kwargs) : scaled;
  }

  /** The parsed options plus the token count learnt at build; a ratio is left out where its width is given. */
  protected override blockConfig(): ConfigDict {
    const cfg = super.blockConfig();
    if (this.tokenMlpDim != null) delete cfg['tokenMlpRatio'];
    if (this.channelMlpDim != null) delete cfg['channelMlpRatio'];
    delete cfg['seqLen']; // placed last, whether given or learnt, so the config round-trips unchanged
    if (this.seqLen !== null) cfg['seqLen'] = this.seqLen;
    return cfg;
  }
}
