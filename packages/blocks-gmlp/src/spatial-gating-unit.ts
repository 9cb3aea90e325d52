import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, type Kwargs, LayerNorm, type LayerVariable, type OptionsInput,
  type OptionsOutput, type Shape, ShapeError, defineOptions, denseTokens, getActivation, oneShape, oneTensor, option,
  resolveInitializer, tokenShape,
} from '@mlp-blocks/core';
import { causalKernelMask } from './masks.js';

/** The options of {@link SpatialGatingUnit}, each declared once (GmlpBlock and the networks compose them). */
export const SPATIAL_GATING_OPTIONS = defineOptions({
  seqLen: option.optional(option.positiveInt('Tokens n covered by the n × n spatial weights; inferred from the input when left out.')),
  causal: option.withDefault(option.boolean('Token i mixes only tokens ≤ i (language modelling); also lets the input be shorter than seqLen.'), false),
  activation: option.withDefault(option.activation("Applied to the gate after the spatial projection (and tiny attention); 'linear' (none) as in the paper."), 'linear'),
  epsilon: option.withDefault(option.positiveNumber("Epsilon of the LayerNorm on the gate half (PyTorch's default, as timm)."), 1e-5),
  spatialInitializer: option.withDefault(option.initializer("Spatial weights W: near zero (normal, std 1e-6) so the unit starts as an identity gate."), 'nearZero'),
  spatialBiasInitializer: option.withDefault(option.initializer('Spatial bias: ones, so with near-zero weights the gate starts at exactly one.'), 'ones'),
});
/** The parsed options of a SpatialGatingUnit. */
export type SpatialGatingUnitOptions = OptionsOutput<typeof SPATIAL_GATING_OPTIONS.entries>;
/** Options of a SpatialGatingUnit (plus the tfjs layer arguments such as `name`). */
export type SpatialGatingUnitArgs = BlockArgs & OptionsInput<typeof SPATIAL_GATING_OPTIONS.entries>;

/** The parsed options are the unit's properties (`seqLen`, learnt from the input when left out, is its own). */
export interface SpatialGatingUnit extends Readonly<Omit<SpatialGatingUnitOptions, 'seqLen'>> {}

/**
 * The spatial gating unit of gMLP ("Pay Attention to MLPs"): split Z = [Z1 | Z2] along channels and return
 * Z1 ⊙ act(W · LN(Z2) + b), where W is an n × n projection over tokens shared by every channel.
 * Input [batch, n, 2c] → output [batch, n, c].
 *
 * W is stored as `spatial_kernel` [from token, to token] — the transpose of PyTorch's nn.Linear weight, like
 * every dense kernel in this project — and `spatial_bias` [n]. A causal unit masks W so token i mixes only
 * tokens ≤ i, and takes inputs shorter than n by using the top-left n' × n' corner of W (the outputs then
 * equal the first n' outputs of a full-length input). A non-causal unit needs exactly n tokens.
 */
export class SpatialGatingUnit extends Block {
  static className = `${CLASS_PREFIX}SpatialGatingUnit`;
  static override packageName = '@mlp-blocks/gmlp';
  /** Tokens of the spatial weights: given, or set from the input when built. */
  seqLen: number | null;
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;
  private readonly norm: LayerNorm;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(args: SpatialGatingUnitArgs = {}) {
    super(args);
    const { seqLen, ...o } = this.parseOptions(SPATIAL_GATING_OPTIONS, args);
    Object.assign(this, o);
    this.seqLen = seqLen ?? null;
    this.act = getActivation(o.activation, this.blockName);
    resolveInitializer(o.spatialInitializer, 1, this.blockName, 'spatialInitializer');
    resolveInitializer(o.spatialBiasInitializer, 1, this.blockName, 'spatialBiasInitializer');
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: o.epsilon }));
  }

  /** Channels of the gate half: [batch, n, 2c] → c; rejects other ranks and odd channel counts. */
  private halfChannels(shape: Shape): number {
    const d = tokenShape(this.blockName, shape)[2]!;
    if (d % 2 !== 0) throw new ShapeError(`${this.blockName}: the input's channels must be even (split into two halves), received ${d}`);
    return d / 2;
  }

  /** Throws a ShapeError naming both lengths unless `n` tokens fit the spatial weights: exactly seqLen, or at most seqLen when causal. */
  checkTokens(n: number, owner = this.blockName): void {
    const seqLen = this.seqLen;
    if (seqLen === null) return; // inferred from the input at build
    if (n > seqLen) {
      throw new ShapeError(`${owner}: the input has ${n} tokens but the spatial weights cover seqLen = ${seqLen}; a longer sequence needs a unit built with seqLen ≥ ${n}`);
    }
    if (n < seqLen && !this.causal) {
      throw new ShapeError(`${owner}: the input has ${n} tokens but the spatial weights cover seqLen = ${seqLen}; only a causal unit accepts shorter sequences`);
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const c = this.halfChannels(shape);
    const n = shape[1];
    if (this.seqLen === null) {
      if (n == null) throw new ShapeError(`${this.blockName}: the token axis of the input is unknown; give the seqLen option`);
      this.seqLen = n;
    } else if (n != null) {
      this.checkTokens(n);
    }
    const seqLen = this.seqLen;
    this.buildOwned(this.norm, [shape[0] ?? null, n ?? null, c]);
    this.kernel = this.addWeight('spatial_kernel', [seqLen, seqLen], 'float32',
      resolveInitializer(this.spatialInitializer, seqLen, this.blockName, 'spatialInitializer'));
    this.bias = this.addWeight('spatial_bias', [seqLen], 'float32',
      resolveInitializer(this.spatialBiasInitializer, seqLen, this.blockName, 'spatialBiasInitializer'));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    return [shape[0] ?? null, shape[1] ?? null, this.halfChannels(shape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const z = oneTensor(this.blockName, inputs);
      this.halfChannels(z.shape);
      const [u, v] = tf.split(z, 2, -1) as [tf.Tensor, tf.Tensor];
      return this.gate(u, v, null, kwargs);
    });
  }

  /**
   * Z1 ⊙ act(W · LN(Z2) + b + extra), from the two halves Z1 = `u` and Z2 = `v` [batch, n, c] (GmlpBlock
   * computes them as two products, sparing a split of the wide activation). `extra` [batch, n, c] is what
   * aMLP's tiny attention adds to the gate after the spatial projection.
   */
  gate(u: tf.Tensor, v: tf.Tensor, extra: tf.Tensor | null, kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const n = v.shape[1]!;
      this.checkTokens(n);
      const normed = this.callOwned(this.norm, v, kwargs);
      let kernel = this.kernel!.read();
      let bias = this.bias!.read();
      if (n < this.seqLen!) {
        kernel = tf.slice(kernel, [0, 0], [n, n]);
        bias = tf.slice(bias, [0], [n]);
      }
      if (this.causal) kernel = tf.mul(kernel, causalKernelMask(n));
      // Mix tokens: g[b, j, c] = Σᵢ W[i, j]·normed[b, i, c] + bias[j] (no transposes where the backend needs none).
      let g = denseTokens(normed, kernel, bias);
      if (extra) g = tf.add(g, extra);
      return tf.mul(u, this.act(g));
    });
  }

  /** The parsed options, with `seqLen` (last, wherever it came from) once known: given, or learnt from the input at build. */
  protected override blockConfig(): ConfigDict {
    const { seqLen: _given, ...config } = super.blockConfig();
    return this.seqLen === null ? config : { ...config, seqLen: this.seqLen };
  }
}
