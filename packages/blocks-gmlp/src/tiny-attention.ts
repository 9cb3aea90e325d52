import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, Dense, type Kwargs, type OptionsInput, type OptionsOutput, type Shape, defineOptions,
  oneTensor, option, product, resolveInitializer, tokenShape,
} from '@mlp-blocks/core';
import { causalScoreMask } from './masks.js';

/**
 * Batched a·b with a gradient through core's `product`: autodiff of tf.matMul sets transposeA/transposeB,
 * which the stock wasm backend runs several times slower than explicit transposes (as core's dense op).
 */
const batchMatMul = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      const g = dy as tf.Tensor3D;
      return [product(g, sb, false, true), product(sa, g, true, false)];
    },
  };
}) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/** The options of {@link TinyAttention}, each declared once (GmlpBlock composes them). */
export const TINY_ATTENTION_OPTIONS = defineOptions({
  units: option.positiveInt("Output channels (in aMLP, half the block's channelMlpDim: the size of the gate)."),
  attentionDim: option.withDefault(option.positiveInt("Size of the query, key and value (the paper's 64)."), 64),
  causal: option.withDefault(option.boolean('Query i attends only to keys ≤ i.'), false),
  kernelInitializer: option.withDefault(option.initializer("Kernels of the dense projections (timm's gMLP: xavier_uniform)."), 'glorotUniform'),
  biasInitializer: option.withDefault(option.initializer('Biases of the dense projections.'), 'zeros'),
});
/** The parsed options of a TinyAttention layer. */
export type TinyAttentionOptions = OptionsOutput<typeof TINY_ATTENTION_OPTIONS.entries>;
/** Options of a TinyAttention layer (plus the tfjs layer arguments such as `name`). */
export type TinyAttentionArgs = BlockArgs & OptionsInput<typeof TINY_ATTENTION_OPTIONS.entries>;

/** The parsed options are the layer's properties. */
export interface TinyAttention extends Readonly<TinyAttentionOptions> {}

/**
 * aMLP's tiny attention ("Pay Attention to MLPs", section 4.3): one head,
 * `out(softmax(q kᵀ / √a) v)` with `[q | k | v] = qkv(x)`, q, k, v of size a = attentionDim.
 * Input [batch, n, d] → [batch, n, units]. The projections have biases (the paper's `proj`).
 */
export class TinyAttention extends Block {
  static className = `${CLASS_PREFIX}TinyAttention`;
  static override packageName = '@mlp-blocks/gmlp';
  private readonly qkv: Dense;
  private readonly out: Dense;

  constructor(args: TinyAttentionArgs) {
    super(args);
    const o = this.parseOptions(TINY_ATTENTION_OPTIONS, args);
    Object.assign(this, o);
    resolveInitializer(o.kernelInitializer, 1, this.blockName, 'kernelInitializer');
    resolveInitializer(o.biasInitializer, 1, this.blockName, 'biasInitializer');
    const init = { kernelInitializer: o.kernelInitializer, biasInitializer: o.biasInitializer };
    this.qkv = this.own(new Dense({ name: 'qkv', units: 3 * o.attentionDim, ...init }));
    this.out = this.own(new Dense({ name: 'out', units: o.units, ...init }));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = tokenShape(this.blockName, inputShape);
    this.buildOwned(this.qkv, shape);
    this.buildOwned(this.out, [shape[0] ?? null, shape[1] ?? null, this.attentionDim]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = tokenShape(this.blockName, inputShape);
    return [shape[0] ?? null, shape[1] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const n = x.shape[1]!;
      // q, k, v as the qkv layer's three column groups: three products, cheaper than one product and a split.
      const a = this.attentionDim;
      const [q, k, v] = this.qkv.callColumns(x, [a, a, a]) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      // Explicit transpose rather than matMul's transposeB flag (several times slower on wasm).
      let scores: tf.Tensor = tf.mul(batchMatMul(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(this.attentionDim));
      if (this.causal) scores = tf.add(scores, causalScoreMask(n));
      const mixed = batchMatMul(tf.softmax(scores) as tf.Tensor3D, v);
      return this.callOwned(this.out, mixed, kwargs);
    });
  }
}
