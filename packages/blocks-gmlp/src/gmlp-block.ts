import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, ConfigError, Dense, DropPath, type Kwargs, LayerNorm,
  type OptionsInput, type OptionsOutput, type Shape, ShapeError, defineOptions, oneTensor, option, pickOptions,
  resolveInitializer, tokenShape,
} from '@mlp-blocks/core';
import { SPATIAL_GATING_OPTIONS, SpatialGatingUnit } from './spatial-gating-unit.js';
import { TINY_ATTENTION_OPTIONS, TinyAttention } from './tiny-attention.js';

/**
 * The options of {@link GmlpBlock}, each declared once: the gate's options are the SpatialGatingUnit's
 * (`gateActivation` and `gateEpsilon` are its `activation` and `epsilon`), the attention's the TinyAttention's.
 */
export const GMLP_BLOCK_OPTIONS = defineOptions({
  channelMlpDim: option.positiveInt("Width of the channel projection U (the paper's d_ffn, timm's mlp_ratio × embed_dim); even: the gating unit gates one half with the other."),
  ...pickOptions(SPATIAL_GATING_OPTIONS, ['seqLen', 'causal']),
  activation: option.withDefault(option.activation("After U (exact-erf GELU, as PyTorch's nn.GELU)."), 'gelu'),
  gateActivation: SPATIAL_GATING_OPTIONS.entries.activation,
  tinyAttention: option.withDefault(option.boolean('aMLP: add a one-head tiny attention on the normalised input to the gate.'), false),
  ...pickOptions(TINY_ATTENTION_OPTIONS, ['attentionDim']),
  dropPath: option.withDefault(option.rate('Stochastic-depth rate on the residual branch.'), 0),
  epsilon: option.withDefault(option.positiveNumber("Epsilon of the block's LayerNorm (timm's 1e-6)."), 1e-6),
  gateEpsilon: SPATIAL_GATING_OPTIONS.entries.epsilon,
  ...pickOptions(TINY_ATTENTION_OPTIONS, ['kernelInitializer', 'biasInitializer']),
  ...pickOptions(SPATIAL_GATING_OPTIONS, ['spatialInitializer']),
});
/** Names this block used before the one vocabulary (accepted until the next major release). */
export const GMLP_BLOCK_RENAMES = { dFfn: 'channelMlpDim' } as const;
/** The parsed options of a GmlpBlock. */
export type GmlpBlockOptions = OptionsOutput<typeof GMLP_BLOCK_OPTIONS.entries>;
/** Options of a GmlpBlock (plus the tfjs layer arguments such as `name`). */
export type GmlpBlockArgs = BlockArgs & (
  | OptionsInput<typeof GMLP_BLOCK_OPTIONS.entries>
  | (Omit<OptionsInput<typeof GMLP_BLOCK_OPTIONS.entries>, 'channelMlpDim'> & {
    /** @deprecated Renamed `channelMlpDim`; accepted until the next major release. */
    dFfn: number;
  })
);

/** The parsed options are the block's properties (`seqLen` is the gating unit's, known once built). */
export interface GmlpBlock extends Readonly<Omit<GmlpBlockOptions, 'seqLen'>> {}

/** channelMlpDim must be an even positive integer: the spatial gating unit splits it into two halves. */
export function evenChannelMlpDim(owner: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value % 2 !== 0) {
    throw new ConfigError(owner, 'channelMlpDim', 'an even positive integer (the spatial gating unit splits it into two halves)', value);
  }
  return value;
}

/** @deprecated Renamed {@link evenChannelMlpDim} (the option is now `channelMlpDim`). */
export const evenFfn = evenChannelMlpDim;

/**
 * The gMLP block: `x + V · SGU(act(U · LN(x)))`, U: d → channelMlpDim, V: channelMlpDim/2 → d, on tokens
 * [batch, n, d]. With `tinyAttention` (aMLP) a one-head attention on LN(x) is added to the gate after the
 * spatial projection. Sublayers (and weight names): `norm`, `proj_in` (U), `attn`, `sgu`, `proj_out` (V), `drop_path`.
 */
export class GmlpBlock extends Block {
  static className = `${CLASS_PREFIX}GmlpBlock`;
  static override packageName = '@mlp-blocks/gmlp';
  private readonly norm: LayerNorm;
  private readonly projIn: Dense;
  private readonly attn: TinyAttention | null;
  readonly sgu: SpatialGatingUnit;
  private projOut: Dense | null = null;
  private readonly drop: DropPath | null;

  constructor(args: GmlpBlockArgs) {
    super(args);
    const { seqLen, ...o } = this.parseOptions(GMLP_BLOCK_OPTIONS, args, GMLP_BLOCK_RENAMES);
    evenChannelMlpDim(this.blockName, o.channelMlpDim);
    Object.assign(this, o);
    resolveInitializer(o.kernelInitializer, 1, this.blockName, 'kernelInitializer');
    resolveInitializer(o.biasInitializer, 1, this.blockName, 'biasInitializer');

    const init = { kernelInitializer: o.kernelInitializer, biasInitializer: o.biasInitializer };
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: o.epsilon }));
    this.projIn = this.own(new Dense({ name: 'proj_in', units: o.channelMlpDim, activation: o.activation, ...init }));
    this.attn = o.tinyAttention
      ? this.own(new TinyAttention({ name: 'attn', units: o.channelMlpDim / 2, attentionDim: o.attentionDim, causal: o.causal, ...init }))
      : null;
    this.sgu = this.own(new SpatialGatingUnit({
      name: 'sgu', seqLen, causal: o.causal, activation: o.gateActivation, epsilon: o.gateEpsilon,
      spatialInitializer: o.spatialInitializer,
    }));
    this.drop = o.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: o.dropPath })) : null;
  }

  /** Tokens of the spatial weights (known once built, or when given). */
  get seqLen(): number | null {
    return this.sgu.seqLen;
  }

  /** @deprecated Renamed `channelMlpDim`. */
  get dFfn(): number {
    return this.channelMlpDim;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = tokenShape(this.blockName, inputShape);
    const d = shape[2]!;
    const [b, n] = [shape[0] ?? null, shape[1] ?? null];
    if (n != null) this.sgu.checkTokens(n, this.blockName);
    else if (this.seqLen === null) throw new ShapeError(`${this.blockName}: the token axis of the input is unknown; give the seqLen option`);
    if (!this.projOut) this.projOut = this.own(new Dense({ name: 'proj_out', units: d, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer }));
    this.buildOwned(this.norm, shape);
    this.buildOwned(this.projIn, shape);
    if (this.attn) this.buildOwned(this.attn, shape);
    this.buildOwned(this.sgu, [b, n, this.channelMlpDim]);
    this.buildOwned(this.projOut, [b, n, this.channelMlpDim / 2]);
    if (this.drop) this.buildOwned(this.drop, shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return tokenShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      this.sgu.checkTokens(x.shape[1]!, this.blockName); // before any work, naming the block
      const h = this.callOwned(this.norm, x, kwargs);
      const [u, v] = this.projInHalves(h);
      const extra = this.attn ? this.callOwned(this.attn, h, kwargs) : null;
      let y = this.callOwned(this.projOut!, this.sgu.gate(u, v, extra, kwargs), kwargs);
      if (this.drop) y = this.callOwned(this.drop, y, kwargs);
      return tf.add(x, y);
    });
  }

  /**
   * act(U · h + c) as its two halves Z1, Z2: U's two column groups, two products instead of one product and a
   * split, which would copy the widest activation of the block (and concatenate its gradient) on every step.
   */
  private projInHalves(h: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const half = this.channelMlpDim / 2;
    return this.projIn.callColumns(h, [half, half]) as [tf.Tensor, tf.Tensor];
  }

  /** The parsed options, with `seqLen` (last, wherever it came from) once known: given, or learnt from the input at build. */
  protected override blockConfig(): ConfigDict {
    const { seqLen: _given, ...config } = super.blockConfig();
    return this.seqLen === null ? config : { ...config, seqLen: this.seqLen };
  }
}
