// The optional native normalisation kernels a backend package may register (@mlp-blocks/backend-blas does) —
// layer norm (last axis) and batch norm with batch statistics (every axis but the last) — and the ops `normalize`
// takes when they are registered for the active backend. Other backends keep the tensor formula.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Name of the optional layer-norm kernel (normalisation over the last axis). Inputs `x` (float32 [..., c]) and,
 * optionally, `gamma` and `beta` (float32 [c]); attrs {@link LayerNormAttrs}; outputs `[y, mean, rstd]`, the
 * last two of shape [..., 1]. It must compute exactly what `normalize` computes with tensors: mean = Σx / c
 * (summed in order), variance = Σ(x − mean)² / c, rstd = 1 / √(variance + ε), y = (x − mean)·rstd·γ + β, each
 * a float32 operation in that order, so that its results are bit-identical to the formula's on a backend whose
 * Mean kernel sums in order (wasm's does).
 */
export const LAYER_NORM_KERNEL = 'MlpBlocksLayerNorm';
/**
 * Name of the gradient kernel of {@link LAYER_NORM_KERNEL}. Inputs `x`, `mean`, `rstd` (the forward kernel's),
 * `dy` and, when the forward had one, `gamma`; attrs {@link LayerNormGradAttrs}; outputs `[dx]`, then `dgamma`
 * when `gamma` is given, then `dbeta` when `hasBeta`. Same operations and order as `normalize`'s gradient:
 * x̂ = (x − mean)·rstd, ĝ = dy·γ, dx = ((ĝ − Σĝ/c) − x̂·(Σĝx̂/c))·rstd, dγ = Σ_rows dy·x̂, dβ = Σ_rows dy.
 */
export const LAYER_NORM_GRAD_KERNEL = 'MlpBlocksLayerNormGrad';

/** Attrs of {@link LAYER_NORM_KERNEL}. */
export interface LayerNormAttrs {
  /** Added to the variance. */
  epsilon: number;
}

/** Attrs of {@link LAYER_NORM_GRAD_KERNEL}. */
export interface LayerNormGradAttrs {
  /** Whether the forward added a β (then the last output is dβ). */
  hasBeta: boolean;
}

/**
 * Name of the optional batch-norm kernel (normalisation over every axis but the last, batch statistics). Inputs
 * and attrs as {@link LAYER_NORM_KERNEL}; outputs `[y, mean, variance, rstd]`, the last three of shape
 * [1, …, 1, c] (keepDims). Each channel is summed over the rows in row order, as tfjs's leading-axis Mean does;
 * otherwise the same operations in the same order as `normalize`'s formula, so bit-identical to it.
 */
export const BATCH_NORM_KERNEL = 'MlpBlocksBatchNorm';
/**
 * Name of the gradient kernel of {@link BATCH_NORM_KERNEL}: inputs, attrs and outputs as
 * {@link LAYER_NORM_GRAD_KERNEL}'s, with `mean` and `rstd` per channel and every sum over the rows.
 */
export const BATCH_NORM_GRAD_KERNEL = 'MlpBlocksBatchNormGrad';

/**
 * Name of the optional kernel of a batch norm in evaluation (running statistics): inputs `x` (float32 [..., c]),
 * `mean` and `variance` (float32 [c]) and optionally `gamma` and `beta` (float32 [c]); attrs
 * {@link LayerNormAttrs}; output y = (x − mean)·(1 / √(variance + ε))·γ + β, in that order of float32 operations
 * (bit-identical to core's BatchNorm formula). No gradient.
 */
export const BATCH_NORM_INFERENCE_KERNEL = 'MlpBlocksBatchNormInference';

const hasKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

/**
 * A batch norm with given statistics on the native kernel when the active backend has one and nothing records a
 * gradient; null otherwise (the caller runs the formula).
 */
export function batchNormInferenceNative(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  epsilon: number,
  gamma: tf.Tensor | null | undefined,
  beta: tf.Tensor | null | undefined,
): tf.Tensor | null {
  if (x.dtype !== 'float32' || x.rank < 1 || x.size === 0 || tf.engine().state.gradientDepth !== 0 || !hasKernel(BATCH_NORM_INFERENCE_KERNEL)) return null;
  const c = x.shape[x.rank - 1]!;
  const fits = (t: tf.Tensor | null | undefined) => t == null || (t.dtype === 'float32' && t.rank === 1 && t.shape[0] === c);
  if (!fits(mean) || !fits(variance) || !fits(gamma) || !fits(beta)) return null;
  const inputs: tf.NamedTensorMap = { x, mean, variance };
  if (gamma) inputs['gamma'] = gamma;
  if (beta) inputs['beta'] = beta;
  const attrs: LayerNormAttrs = { epsilon };
  return tf.engine().runKernel(BATCH_NORM_INFERENCE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Whether `normalize(x, axes, …)` is a batch norm (every axis but the last) the active backend runs natively. */
export function batchNormKernelApplies(x: tf.Tensor, axes: number[], gamma: tf.Tensor | null | undefined, beta: tf.Tensor | null | undefined): boolean {
  if (x.dtype !== 'float32' || x.rank < 2 || axes.length !== x.rank - 1 || axes.some((a, i) => a !== i) || x.size === 0) return false;
  const c = x.shape[x.rank - 1]!;
  const fits = (t: tf.Tensor | null | undefined) => t == null || (t.dtype === 'float32' && t.rank === 1 && t.shape[0] === c);
  return fits(gamma) && fits(beta) && hasKernel(BATCH_NORM_KERNEL) && hasKernel(BATCH_NORM_GRAD_KERNEL);
}

/** Whether `normalize(x, axes, …)` with these operands can run on the native kernels of the active backend. */
export function layerNormKernelApplies(x: tf.Tensor, axes: number[], gamma: tf.Tensor | null | undefined, beta: tf.Tensor | null | undefined): boolean {
  if (x.dtype !== 'float32' || x.rank < 1 || axes.length !== 1 || axes[0] !== x.rank - 1 || x.size === 0) return false;
  const c = x.shape[x.rank - 1]!;
  const fits = (t: tf.Tensor | null | undefined) => t == null || (t.dtype === 'float32' && t.rank === 1 && t.shape[0] === c);
  return fits(gamma) && fits(beta) && hasKernel(LAYER_NORM_KERNEL) && hasKernel(LAYER_NORM_GRAD_KERNEL);
}

/*
 * One tape node that saves x and the statistics (mean, 1/σ): the gradient kernel recomputes x̂ from them, so no
 * activation-sized tensor beyond x (which the residual keeps anyway) is held for backward.
 */
function nativeNormOp(
  forwardKernel: string,
  gradKernel: string,
  epsilon: number,
  scale: boolean,
  offset: boolean,
  onMoments: ((mean: tf.Tensor, variance: tf.Tensor) => void) | undefined,
) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const x = args[0] as tf.Tensor;
    const inputs: tf.NamedTensorMap = { x };
    if (scale) inputs['gamma'] = args[1] as tf.Tensor;
    if (offset) inputs['beta'] = args[scale ? 2 : 1] as tf.Tensor;
    const attrs: LayerNormAttrs = { epsilon };
    const outs = tf.engine().runKernel(forwardKernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    // Layer norm: [y, mean, rstd]; batch norm: [y, mean, variance, rstd].
    const [y, mean] = outs as [tf.Tensor, tf.Tensor];
    const rstd = outs[outs.length - 1]!;
    if (onMoments && outs.length === 4) onMoments(mean, outs[2]!);
    save(scale ? [x, mean, rstd, inputs['gamma']!] : [x, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, m, r, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const gradInputs: tf.NamedTensorMap = { x: xs, mean: m, rstd: r, dy: dy as tf.Tensor };
        if (g) gradInputs['gamma'] = g;
        const gradAttrs: LayerNormGradAttrs = { hasBeta: offset };
        return tf.engine().runKernel(gradKernel, gradInputs, gradAttrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      },
    };
  });
}

const operands = (x: tf.Tensor, gamma: tf.Tensor | null | undefined, beta: tf.Tensor | null | undefined) => [
  x,
  ...(gamma ? [gamma] : []),
  ...(beta ? [beta] : []),
];

/** Layer norm over the last axis on the native kernels (check {@link layerNormKernelApplies} first). */
export function layerNormNative(x: tf.Tensor, epsilon: number, gamma: tf.Tensor | null | undefined, beta: tf.Tensor | null | undefined): tf.Tensor {
  return nativeNormOp(LAYER_NORM_KERNEL, LAYER_NORM_GRAD_KERNEL, epsilon, !!gamma, !!beta, undefined)(...operands(x, gamma, beta));
}

/**
 * Batch norm with batch statistics on the native kernels (check {@link batchNormKernelApplies} first);
 * `onMoments` receives the mean and the biased variance (keepDims shape) inside the forward pass.
 */
export function batchNormNative(
  x: tf.Tensor,
  epsilon: number,
  gamma: tf.Tensor | null | undefined,
  beta: tf.Tensor | null | undefined,
  onMoments: ((mean: tf.Tensor, variance: tf.Tensor) => void) | undefined,
): tf.Tensor {
  return nativeNormOp(BATCH_NORM_KERNEL, BATCH_NORM_GRAD_KERNEL, epsilon, !!gamma, !!beta, onMoments)(...operands(x, gamma, beta));
}
