import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, FUSED_ADAMW_KERNEL, validate } from '@mlp-blocks/core';
import { adamwScalars, adamwUpdateInPlace } from './adamw-fused.js';

/*
 * Backends whose tensors live in host memory, where reading a variable costs a copy, not a GPU round trip:
 * there the fused one-pass update is used. dataSync on the wasm backend copies out of its heap, and a new
 * tensor copies back in; that is still far less traffic than thirteen kernels over the variable.
 */
const FUSED_BACKENDS = new Set(['cpu', 'wasm']);

/** tfjs's optimizer-state entry (not exported from tfjs-core's entry). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Options of the AdamW optimizer. */
export interface AdamWOptions {
  learningRate: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8 (PyTorch; tfjs's Adam uses 1e-7). */
  epsilon?: number;
  /** Decoupled weight decay, applied as p ← p·(1 − lr·wd) before the Adam step. Default 0.01. */
  weightDecay?: number;
  /**
   * Update each variable in one pass (bit-identical to the kernel version): through core's native
   * `FUSED_ADAMW_KERNEL` where a backend package registered it (`useBackend('blas')`), else in JavaScript.
   * Default: on the cpu and wasm backends, where tensors live in host memory, and wherever the native kernel
   * is registered; never on GPU backends. `false` forces the thirteen-kernel tensor version.
   */
  fused?: boolean;
}

/**
 * AdamW with decoupled weight decay, step for step as PyTorch's `torch.optim.AdamW` (Loshchilov & Hutter,
 * "Decoupled Weight Decay Regularization", ICLR 2019): p ← p(1 − lr·λ); m ← β1·m + (1 − β1)·g;
 * v ← β2·v + (1 − β2)·g²; p ← p − lr·(m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε). tfjs has no AdamW.
 */
export class AdamW extends tf.Optimizer {
  static get className(): string {
    return 'MlpBlocks>AdamW';
  }

  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** The `fused` option; undefined means chosen by backend. */
  readonly fused: boolean | undefined;
  private step = 0;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  constructor(options: AdamWOptions) {
    super();
    const o = 'AdamW';
    if (options == null || typeof options !== 'object') throw new ConfigError(o, 'options', 'an object', options);
    this.learningRate = validate.positiveNumber(o, 'learningRate', options.learningRate);
    this.beta1 = validate.rate(o, 'beta1', options.beta1 ?? 0.9);
    this.beta2 = validate.rate(o, 'beta2', options.beta2 ?? 0.999);
    this.epsilon = validate.positiveNumber(o, 'epsilon', options.epsilon ?? 1e-8);
    const wd = options.weightDecay ?? 0.01;
    if (typeof wd !== 'number' || !(wd >= 0) || !Number.isFinite(wd)) throw new ConfigError(o, 'weightDecay', 'a non-negative number', wd);
    this.weightDecay = wd;
    if (options.fused !== undefined) validate.boolean(o, 'fused', options.fused);
    this.fused = options.fused;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    this.step += 1;
    const lr = this.learningRate;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    const backendName = tf.getBackend();
    // A backend package may register a native one-pass kernel (bit-identical too): it beats the JS loop.
    const native = this.fused !== false && tf.getKernel(FUSED_ADAMW_KERNEL, backendName) !== undefined;
    const fused = this.fused ?? FUSED_BACKENDS.has(backendName);
    const scalars = adamwScalars({ beta1: this.beta1, beta2: this.beta2, lr, weightDecay: this.weightDecay, epsilon: this.epsilon, step: this.step });
    // The native kernel's attrs: the same float32 scalars, once per step (decay NaN when there is none).
    const { decay, ...r } = scalars;
    // In place: every output replaces its input right away (the backend keeps buffers another tensor shares).
    const attrs = { scalars: [r.beta1, r.oneMinusBeta1, r.beta2, r.oneMinusBeta2, decay ?? Number.NaN, r.biasCorrection2, r.epsilon, r.stepSize], inPlace: true };
    tf.tidy(() => {
      for (const [name, grad] of entries) {
        if (grad == null) continue;
        const param = tf.engine().registeredVariables[name];
        if (!param) throw new Error(`AdamW: no variable named ${name}`);
        let state = this.moments.get(name);
        if (!state) {
          state = {
            m: tf.variable(tf.zerosLike(param), false, `${name}/adamw_m`),
            v: tf.variable(tf.zerosLike(param), false, `${name}/adamw_v`),
          };
          this.moments.set(name, state);
        }
        if (native) {
          const [p, m, v] = tf.engine().runKernel(FUSED_ADAMW_KERNEL, { param, grad, m: state.m, v: state.v }, attrs as never) as tf.Tensor[];
          state.m.assign(m!);
          state.v.assign(v!);
          param.assign(p!);
          continue;
        }
        if (fused) {
          // Host-memory backends: one pass in JavaScript instead of thirteen kernels (bit-identical results).
          const pv = param.dataSync() as Float32Array;
          const mv = state.m.dataSync() as Float32Array;
          const vv = state.v.dataSync() as Float32Array;
          adamwUpdateInPlace(pv, grad.dataSync(), mv, vv, scalars);
          state.m.assign(tf.tensor(mv, param.shape, 'float32'));
          state.v.assign(tf.tensor(vv, param.shape, 'float32'));
          param.assign(tf.tensor(pv, param.shape, 'float32'));
          continue;
        }
        const m = tf.add(tf.mul(state.m, this.beta1), tf.mul(grad, 1 - this.beta1));
        const v = tf.add(tf.mul(state.v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
        state.m.assign(m);
        state.v.assign(v);
        const decayed = this.weightDecay > 0 ? tf.mul(param, 1 - lr * this.weightDecay) : param;
        const denom = tf.add(tf.sqrt(tf.div(v, bc2)), this.epsilon);
        param.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1)));
      }
    });
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }

  /** Optimizer state for checkpoints: the step count, then each variable's m and v (in variable-name order). */
  override async getWeights(): Promise<NamedTensor[]> {
    const names = [...this.moments.keys()].sort();
    return [
      { name: 'iter', tensor: tf.scalar(this.step, 'int32') },
      ...names.flatMap((n) => [
        { name: `${n}/adamw_m`, tensor: this.moments.get(n)!.m },
        { name: `${n}/adamw_v`, tensor: this.moments.get(n)!.v },
      ]),
    ];
  }

  /** Restores the state written by `getWeights` (step count first, then m/v pairs); throws on any other layout. */
  override async setWeights(weights: NamedTensor[]): Promise<void> {
    const [iter, ...rest] = weights;
    if (!iter || iter.name !== 'iter') throw new Error('AdamW.setWeights: the first entry must be the step count named "iter"');
    this.step = (await iter.tensor.data())[0]!;
    this.dispose();
    for (let i = 0; i < rest.length; i += 2) {
      const m = rest[i]!;
      const v = rest[i + 1];
      if (!v || !m.name.endsWith('/adamw_m') || !v.name.endsWith('/adamw_v')) {
        throw new Error(`AdamW.setWeights: expected m/v pairs, received ${m.name} and ${v?.name}`);
      }
      const name = m.name.slice(0, -'/adamw_m'.length);
      this.moments.set(name, {
        m: tf.variable(m.tensor, false, `${name}/adamw_m`),
        v: tf.variable(v.tensor, false, `${name}/adamw_v`),
      });
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as never);
  }
}
