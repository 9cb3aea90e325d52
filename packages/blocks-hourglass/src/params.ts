import type { ParamCounts } from '@mlp-blocks/core';
import { type ConventionalOptions, type HourglassOptions, type ResolvedNetwork, resolveConventional, resolveHourglass } from './options.js';

/**
 * Closed-form parameter counts (equal to the built model's): trainable =
 * (trainable lift ? d_in·d_z : 0) + d_z·d_out + Σ_i (2·d_z·d_h,i [+ d_h,i + d_z with biases] [+ norm and
 * LayerScale parameters]); non-trainable = frozen lift d_in·d_z + batch-norm running statistics 2·d_z per block.
 */
export function networkParams(n: ResolvedNetwork): ParamCounts {
  const z = n.width;
  let trainable = n.lift === 'trainable' ? n.inputDim * z : 0;
  let nonTrainable = n.lift === 'fixed' ? n.inputDim * z : 0;
  for (const h of n.hidden) {
    trainable += 2 * z * h + (n.bias ? h + z : 0) + (n.layerScale > 0 ? z : 0);
    if (n.norm === 'batch') nonTrainable += 2 * z;
    if (n.norm === 'layer' || n.norm === 'affine') trainable += 2 * z;
    if (n.norm === 'rms') trainable += z;
  }
  trainable += z * n.outputDim;
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}

export function hourglassParams(options: HourglassOptions): ParamCounts {
  return networkParams(resolveHourglass(options));
}

export function conventionalParams(options: ConventionalOptions): ParamCounts {
  return networkParams(resolveConventional(options));
}
