import * as tf from '@tensorflow/tfjs-core';
import {
  AffineNorm, Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, DropPath, type Kwargs, LayerScale, Mlp, type OptionsInput,
  type OptionsOutput, type Shape, defineOptions, lastDim, oneShape, oneTensor, option, pickOptions, validate,
} from '@mlp-blocks/core';
import { MIXER_BLOCK_OPTIONS } from './mixer-block.js';
import { checkSequence, sequenceLength } from './ops.js';
import { checkWidthOrRatio, hiddenWidth } from './widths.js';

/** The options of {@link ResMlpBlock}: the channel MLP's as MixerBlock's, and a LayerScale that is always on. */
export const RESMLP_BLOCK_OPTIONS = defineOptions({
  ...pickOptions(MIXER_BLOCK_OPTIONS, ['seqLen', 'channelMlpDim', 'channelMlpRatio', 'activation']),
  layerScale: option.withDefault(option.positiveNumber(
    'Initial per-channel LayerScale on both residual branches (0.1 suits depth 12; resMlpLayerScale(depth) gives the ResMLP/CaiT value for a depth).'), 0.1),
  ...pickOptions(MIXER_BLOCK_OPTIONS, ['dropout', 'dropPath', 'kernelInitializer']),
});
/** Names ResMlpBlock used before the one vocabulary (accepted, with a warning, until the next major release). */
export const RESMLP_BLOCK_RENAMES = { tokens: 'seqLen' } as const;
/** The parsed options of a ResMlpBlock. */
export type ResMlpBlockOptions = OptionsOutput<typeof RESMLP_BLOCK_OPTIONS.entries>;
/** Options of a ResMlpBlock (plus the usual tfjs layer arguments). */
export type ResMlpBlockArgs = BlockArgs & OptionsInput<typeof RESMLP_BLOCK_OPTIONS.entries> & {
  /** @deprecated Renamed `seqLen`; accepted until the next major release. */
  tokens?: number | null;
};

/** The parsed options are the block's properties (`seqLen` becomes the input's token count once built). */
export interface ResMlpBlock extends Readonly<Omit<ResMlpBlockOptions, 'seqLen'>> {}

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
 * The channel MLP is core's `Mlp`, built inline (weights `channel_fc1`, `channel_fc2`).
 */
export class ResMlpBlock extends Block {
  static className = `${CLASS_PREFIX}ResMlpBlock`;
  static override packageName = '@mlp-blocks/mixer';
  /** Token count: configured, or the input's once built. */
  seqLen: number | null = null;
  private parts: {
    norm1: AffineNorm; tokenFc: Dense; ls1: LayerScale; norm2: AffineNorm; channelMlp: Mlp; ls2: LayerScale; drop: DropPath | null;
  } | null = null;

  constructor(args: ResMlpBlockArgs = {}) {
    super(args);
    const o = this.parseOptions(RESMLP_BLOCK_OPTIONS, args, RESMLP_BLOCK_RENAMES);
    checkWidthOrRatio(this.blockName, args, 'channelMlpDim', 'channelMlpRatio');
    Object.assign(this, o);
    this.seqLen = o.seqLen ?? null;
  }

  /** @deprecated Renamed `seqLen`. */
  get tokens(): number | null {
    return this.seqLen;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const n = sequenceLength(this.blockName, 'tokens', 'seqLen', shape, this.seqLen);
    const c = lastDim(this.blockName, shape);
    const hidden = this.channelMlpDim ?? hiddenWidth(this.blockName, 'channelMlpRatio', this.channelMlpRatio, c);
    const init = { kernelInitializer: this.kernelInitializer, biasInitializer: 'zeros' } as const;
    const norm1 = this.own(new AffineNorm({ name: 'norm1' }));
    const tokenFc = this.own(new Dense({ name: 'token_fc', units: n, ...init }));
    const ls1 = this.own(new LayerScale({ name: 'ls1', init: this.layerScale }));
    const norm2 = this.own(new AffineNorm({ name: 'norm2' }));
    const channelMlp = this.own(new Mlp({
      name: 'channel_mlp', hiddenUnits: hidden, activation: this.activation, dropout: this.dropout, ...init, layerNames: ['channel_fc1', 'channel_fc2'],
    }));
    const ls2 = this.own(new LayerScale({ name: 'ls2', init: this.layerScale }));
    const drop = this.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: this.dropPath })) : null;
    const b = shape[0] ?? null;
    const seq: Shape = [b, n, c];
    this.buildOwned(norm1, seq);
    this.buildOwned(tokenFc, [b, c, n]);
    this.buildOwned(ls1, seq);
    this.buildOwned(norm2, seq);
    this.buildOwned(channelMlp, seq, true);
    this.buildOwned(ls2, seq);
    if (drop) this.buildOwned(drop, seq);
    this.parts = { norm1, tokenFc, ls1, norm2, channelMlp, ls2, drop };
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
      const t = p.tokenFc.callTokens(this.callOwned(p.norm1, x, kwargs)); // along the token axis
      const z = tf.add(x, this.branch(this.callOwned(p.ls1, t, kwargs), kwargs));
      const h = this.callOwned(p.channelMlp, this.callOwned(p.norm2, z, kwargs), kwargs);
      return tf.add(z, this.branch(this.callOwned(p.ls2, h, kwargs), kwargs));
    });
  }

  private branch(h: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    return this.parts!.drop ? this.callOwned(this.parts!.drop, h, kwargs) : h;
  }

  /** The parsed options plus the token count learnt at build; the ratio is left out where the width is given. */
  protected override blockConfig(): ConfigDict {
    const cfg = super.blockConfig();
    if (this.channelMlpDim != null) delete cfg['channelMlpRatio'];
    delete cfg['seqLen']; // placed last, whether given or learnt, so the config round-trips unchanged
    if (this.seqLen !== null) cfg['seqLen'] = this.seqLen;
    return cfg;
  }
}
