import * as tf from '@tensorflow/tfjs-core';
import { batchNormKernelApplies, batchNormNative, layerNormKernelApplies, layerNormNative } from './norm-kernels.js';

/** Batch statistics of one normalisation, handed to a callback while the forward pass holds them. */
export type MomentsCallback = (mean: tf.Tensor, variance: tf.Tensor) => void;

/** Optional parts of a normalisation: a per-channel scale and offset (shape [channels]) and a statistics hook. */
export interface NormalizeOptions {
  /** Per-channel scale γ, shape [channels]. */
  gamma?: tf.Tensor | null;
  /** Per-channel offset β, shape [channels]. */
  beta?: tf.Tensor | null;
  /** Receives the statistics (keepDims shape) inside the forward pass, for running averages; disposed after. */
  onMoments?: MomentsCallback;
}

/*
 * Why a hand-written gradient: autodiff of the formula records up to nine tape nodes, keeps the centred input
 * and the output for backward, and tfjs keeps a gradient tensor for every node until the whole backward pass
 * ends. One node that saves x̂ and 1/σ cuts the kernels per step and the peak memory of deep networks (a Mixer
 * at batch 128 otherwise outgrows the wasm heap's 4 GiB).
 */
function normalizeOp(axes: number[], epsilon: number, scale: boolean, offset: boolean, onMoments: MomentsCallback | undefined) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const x = args[0] as tf.Tensor;
    const gamma = scale ? args[1] as tf.Tensor : null;
    const beta = offset ? args[scale ? 2 : 1] as tf.Tensor : null;
    // The same operations, in the same order, as the plain formula: identical forward values.
    const mean = tf.mean(x, axes, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), axes, true);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const xHat = tf.mul(centered, rstd);
    let y = xHat;
    if (gamma) y = tf.mul(y, gamma);
    if (beta) y = tf.add(y, beta);
    onMoments?.(mean, variance);
    save(gamma ? [xHat, rstd, gamma] : [xHat, rstd]);
    return {
      value: y,
      // dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·γ, means over the normalised axes; γ and β
      // (shape [channels]) get the sums over every other axis.
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.tidy(() => {
        const g = dy as tf.Tensor;
        const [xs, r, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const lead = xs.shape.slice(0, -1).map((_, i) => i);
        const gHat = gs ? tf.mul(g, gs) : g;
        const inner = tf.sub(tf.sub(gHat, tf.mean(gHat, axes, true)), tf.mul(xs, tf.mean(tf.mul(gHat, xs), axes, true)));
        const grads = [tf.mul(inner, r)];
        if (gs) grads.push(tf.sum(tf.mul(g, xs), lead));
        if (offset) grads.push(tf.sum(g, lead));
        return grads;
      }),
    };
  });
}

/**
 * (x − mean) / √(var + ε) over `axes` (biased variance), then ·γ + β when given (per channel of the last
 * axis), with one fused gradient for all of it.
 */
export function normalize(x: tf.Tensor, axes: number[], epsilon: number, options: NormalizeOptions = {}): tf.Tensor {
  const { gamma, beta, onMoments } = options;
  // A layer norm (last axis) on a backend with native kernels for it: one kernel each way instead of ~10.
  if (onMoments === undefined && layerNormKernelApplies(x, axes, gamma, beta)) return layerNormNative(x, epsilon, gamma, beta);
  // A batch norm in training (every axis but the last), likewise.
  if (batchNormKernelApplies(x, axes, gamma, beta)) return batchNormNative(x, epsilon, gamma, beta, onMoments);
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  return normalizeOp(axes, epsilon, !!gamma, !!beta, onMoments)(...inputs);
}

/** The same normalisation through tfjs autodiff; the reference the fused gradient is tested against. */
export function normalizeAutodiff(x: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const centered = tf.sub(x, tf.mean(x, axes, true));
    return tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), axes, true), epsilon)));
  });
}
