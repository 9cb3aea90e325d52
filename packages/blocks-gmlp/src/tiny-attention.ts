import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, type InitializerSpec, type Kwargs, type Shape,
  dense, oneTensor, product, resolveInitializer, validate, tokenShape,
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

/** Options of `TinyAttention` (plus the tfjs layer options such as `name`). */
export interface TinyAttentionArgs extends BlockArgs {
  /** Output channels (in aMLP, half the block's d_ffn: the size of the gate). */
  units: number;
  /** Size of the query, key and value. Default 64 (the paper's). */
  attentionDim?: number;
  /** Query i attends only to keys ≤ i. Default false. */
  causal?: boolean;
  /** Default 'glorotUniform' (timm's gMLP linear init). */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

const OPTIONS = ['units', 'attentionDim', 'causal', 'kernelInitializer', 'biasInitializer'];

/**
 * aMLP's tiny attention ("Pay Attention to MLPs", section 4.3): one head,
 * `out(softmax(q kᵀ / √a) v)` with `[q | k | v] = qkv(x)`, q, k, v of size a = attentionDim.
 * Input [batch, n, d] → [batch, n, units]. The projections have biases (the paper's `proj`).
 */
export class TinyAttention extends Block {
  static className = `${CLASS_PREFIX}TinyAttention`;
  static override packageName = '@mlp-blocks/gmlp';
  readonly units: number;
  readonly attentionDim: number;
  readonly causal: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  private readonly qkv: Dense;
  private readonly out: Dense;

  constructor(args: TinyAttentionArgs) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, OPTIONS);
    this.units = validate.positiveInt(name, 'units', args.units);
    this.attentionDim = validate.positiveInt(name, 'attentionDim', args.attentionDim ?? 64);
    this.causal = validate.boolean(name, 'causal', args.causal ?? false);
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    this.biasInitializer = args.biasInitializer ?? 'zeros';
    resolveInitializer(this.kernelInitializer, 1, name, 'kernelInitializer');
    resolveInitializer(this.biasInitializer, 1, name, 'biasInitializer');
    const init = { kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer };
    this.qkv = this.own(new Dense({ name: 'qkv', units: 3 * this.attentionDim, ...init }));
    this.out = this.own(new Dense({ name: 'out', units: this.units, ...init }));
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
      // q, k, v as three products with slices of the qkv kernel: cheaper than one product and a split.
      const kernel = this.qkv.kernel!.read();
      const bias = this.qkv.bias!.read();
      const [d, a] = [kernel.shape[0]!, this.attentionDim];
      const [q, k, v] = [0, a, 2 * a].map((from) => dense(x, tf.slice(kernel, [0, from], [d, a]), tf.slice(bias, [from], [a])) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      // Explicit transpose rather than matMul's transposeB flag (several times slower on wasm).
      let scores: tf.Tensor = tf.mul(batchMatMul(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(this.attentionDim));
      if (this.causal) scores = tf.add(scores, causalScoreMask(n));
      const mixed = batchMatMul(tf.softmax(scores) as tf.Tensor3D, v);
      return this.callOwned(this.out, mixed, kwargs);
    });
  }

  protected override blockConfig(): ConfigDict {
    return {
      units: this.units,
      attentionDim: this.attentionDim,
      causal: this.causal,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
      biasInitializer: this.biasInitializer as ConfigDict[string],
    };
  }
}
