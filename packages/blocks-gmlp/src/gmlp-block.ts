import * as tf from '@tensorflow/tfjs-core';
import {
  type ActivationName, Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, ConfigError, Dense, DropPath,
  type InitializerSpec, type Kwargs, LayerNorm, type Shape, ShapeError, dense, getActivation, oneTensor,
  resolveInitializer, validate, tokenShape,
} from '@mlp-blocks/core';
import { SpatialGatingUnit } from './spatial-gating-unit.js';
import { TinyAttention } from './tiny-attention.js';

/** Options of `GmlpBlock` (plus the tfjs layer options such as `name`). */
export interface GmlpBlockArgs extends BlockArgs {
  /** Width of the channel expansion U (d_ffn); must be even, the unit gates one half with the other. */
  dFfn: number;
  /** Tokens n of the spatial weights; inferred from the input when omitted. */
  seqLen?: number | null;
  /** Token i sees only tokens ≤ i (spatial weights and tiny attention); allows shorter inputs. Default false. */
  causal?: boolean;
  /** After U. Default 'gelu' (exact erf, as PyTorch's nn.GELU). */
  activation?: ActivationName;
  /** On the gate. Default 'linear' (none). */
  gateActivation?: ActivationName;
  /** aMLP: add a one-head tiny attention on the normalised input to the gate. Default false. */
  tinyAttention?: boolean;
  /** Inner size of the tiny attention. Default 64. */
  attentionDim?: number;
  /** Stochastic-depth rate on the residual branch. Default 0. */
  dropPath?: number;
  /** Epsilon of the block's LayerNorm. Default 1e-6 (timm). */
  epsilon?: number;
  /** Epsilon of the gate's LayerNorm. Default 1e-5 (timm: PyTorch's default). */
  gateEpsilon?: number;
  /** U, V and the attention projections. Default 'glorotUniform' (timm's xavier_uniform). */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Spatial weights W. Default 'nearZero' (normal, std 1e-6): with bias one the gate starts as the identity. */
  spatialInitializer?: InitializerSpec;
}

const OPTIONS = ['dFfn', 'seqLen', 'causal', 'activation', 'gateActivation', 'tinyAttention', 'attentionDim', 'dropPath',
  'epsilon', 'gateEpsilon', 'kernelInitializer', 'biasInitializer', 'spatialInitializer'];

/** d_ffn must be an even positive integer: the spatial gating unit splits it into two halves. */
export function evenFfn(owner: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value % 2 !== 0) {
    throw new ConfigError(owner, 'dFfn', 'an even positive integer (the spatial gating unit splits it into two halves)', value);
  }
  return value;
}

/**
 * The gMLP block: `x + V · SGU(act(U · LN(x)))`, U: d → d_ffn, V: d_ffn/2 → d, on tokens [batch, n, d].
 * With `tinyAttention` (aMLP) a one-head attention on LN(x) is added to the gate after the spatial projection.
 * Sublayers: `norm`, `proj_in` (U), `attn`, `sgu`, `proj_out` (V), `drop_path`.
 */
export class GmlpBlock extends Block {
  static className = `${CLASS_PREFIX}GmlpBlock`;
  static override packageName = '@mlp-blocks/gmlp';
  readonly dFfn: number;
  readonly causal: boolean;
  readonly activation: ActivationName;
  readonly gateActivation: ActivationName;
  readonly tinyAttention: boolean;
  readonly attentionDim: number;
  readonly dropPath: number;
  readonly epsilon: number;
  readonly gateEpsilon: number;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly spatialInitializer: InitializerSpec;
  private readonly norm: LayerNorm;
  private readonly projIn: Dense;
  private readonly attn: TinyAttention | null;
  readonly sgu: SpatialGatingUnit;
  private projOut: Dense | null = null;
  private readonly drop: DropPath | null;

  constructor(args: GmlpBlockArgs) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, OPTIONS);
    this.dFfn = evenFfn(name, args.dFfn);
    const seqLen = args.seqLen == null ? null : validate.positiveInt(name, 'seqLen', args.seqLen);
    this.causal = validate.boolean(name, 'causal', args.causal ?? false);
    this.activation = args.activation ?? 'gelu';
    getActivation(this.activation, name, 'activation');
    this.gateActivation = args.gateActivation ?? 'linear';
    getActivation(this.gateActivation, name, 'gateActivation');
    this.tinyAttention = validate.boolean(name, 'tinyAttention', args.tinyAttention ?? false);
    this.attentionDim = validate.positiveInt(name, 'attentionDim', args.attentionDim ?? 64);
    this.dropPath = validate.rate(name, 'dropPath', args.dropPath ?? 0);
    this.epsilon = validate.positiveNumber(name, 'epsilon', args.epsilon ?? 1e-6);
    this.gateEpsilon = validate.positiveNumber(name, 'gateEpsilon', args.gateEpsilon ?? 1e-5);
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    this.spatialInitializer = args.spatialInitializer ?? 'nearZero';
    resolveInitializer(this.kernelInitializer, 1, name, 'kernelInitializer');
    resolveInitializer(this.biasInitializer, 1, name, 'biasInitializer');

    const init = { kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer };
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.projIn = this.own(new Dense({ name: 'proj_in', units: this.dFfn, activation: this.activation, ...init }));
    this.attn = this.tinyAttention
      ? this.own(new TinyAttention({ name: 'attn', units: this.dFfn / 2, attentionDim: this.attentionDim, causal: this.causal, ...init }))
      : null;
    this.sgu = this.own(new SpatialGatingUnit({
      name: 'sgu', seqLen, causal: this.causal, activation: this.gateActivation, epsilon: this.gateEpsilon,
      spatialInitializer: this.spatialInitializer,
    }));
    this.drop = this.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: this.dropPath })) : null;
  }

  /** Tokens of the spatial weights (known once built, or when given). */
  get seqLen(): number | null {
    return this.sgu.seqLen;
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
    this.buildOwned(this.sgu, [b, n, this.dFfn]);
    this.buildOwned(this.projOut, [b, n, this.dFfn / 2]);
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
   * act(U · h + c) as its two halves Z1, Z2: two products with the halves of U's kernel instead of one product
   * and a split, which copies the widest activation of the block (and concatenates its gradient) on every step.
   */
  private projInHalves(h: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const kernel = this.projIn.kernel!.read();
    const bias = this.projIn.bias!.read();
    const [d, half] = [kernel.shape[0]!, this.dFfn / 2];
    const act = getActivation(this.activation);
    const part = (from: number) => act(dense(h, tf.slice(kernel, [0, from], [d, half]), tf.slice(bias, [from], [half])));
    return [part(0), part(half)];
  }

  protected override blockConfig(): ConfigDict {
    const cfg: ConfigDict = {
      dFfn: this.dFfn,
      causal: this.causal,
      activation: this.activation,
      gateActivation: this.gateActivation,
      tinyAttention: this.tinyAttention,
      attentionDim: this.attentionDim,
      dropPath: this.dropPath,
      epsilon: this.epsilon,
      gateEpsilon: this.gateEpsilon,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
      biasInitializer: this.biasInitializer as ConfigDict[string],
      spatialInitializer: this.spatialInitializer as ConfigDict[string],
    };
    if (this.seqLen !== null) cfg['seqLen'] = this.seqLen;
    return cfg;
  }
}
