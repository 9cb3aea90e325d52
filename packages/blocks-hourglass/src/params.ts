import { ConfigError, type ParamCounts, parseSpec, specParams } from '@mlp-blocks/core';
import { type ConventionalOptions, type HourglassOptions, type NetworkShape, type ResolvedNetwork, conventionalShape, hourglassShape } from './options.js';

/**
 * Closed-form parameter counts (equal to the built model's `countParams` and to core's `summary(model)`): trainable =
 * (trainable lift ? d_in·d_z : 0) + d_z·d_out + Σ_i (2·d_z·d_h,i [+ d_h,i + d_z with biases] [+ norm and
 * LayerScale parameters]); non-trainable = fixed lift d_in·d_z + batch-norm running statistics 2·d_z per block.
 *
 * tfjs's own `model.summary()` and `model.countParams()` count stored weights only. The fixed lift is regenerated
 * from its seed on build and never saved (a `RandomProjection` with `persist: false`), so for `lift: 'fixed'` they
 * report exactly d_in·d_z fewer non-trainable (and total) parameters, and 0 on the lift's row; trainable counts,
 * and every count for the other lifts, agree.
 */
export function networkParams(n: ResolvedNetwork | NetworkShape): ParamCounts {
  const z = n.width;
  let trainable = n.lift === 'trainable' ? n.inputDim * z : 0;
  let nonTrainable = n.lift === 'fixed' ? n.inputDim * z : 0;
  const block = (h: number) => 2 * z * h + (n.useBias ? h + z : 0) + (n.layerScale > 0 ? z : 0)
    + (n.norm === 'layer' || n.norm === 'affine' ? 2 * z : n.norm === 'rms' ? z : 0);
  // One size for every block is multiplied, not looped, so any depth is counted at once.
  const blocks = Array.isArray(n.hidden) ? n.hidden : null;
  const depth = blocks ? blocks.length : (n as NetworkShape).depth;
  trainable += blocks ? blocks.reduce((sum, h) => sum + block(h), 0) : depth * block(n.hidden as number);
  if (n.norm === 'batch') nonTrainable += depth * 2 * z;
  trainable += z * n.outputDim;
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}

/**
 * Closed-form parameter counts of `hourglassMlp(options)`, without building it; a fixed lift's d_in·d_z is
 * non-trainable, counted though tfjs's `model.summary()` leaves it out (see {@link networkParams}).
 */
export function hourglassParams(options: HourglassOptions): ParamCounts {
  return networkParams(hourglassShape(options));
}

/** Closed-form parameter counts of `conventionalMlp(options)`, without building it. */
export function conventionalParams(options: ConventionalOptions): ParamCounts {
  return networkParams(conventionalShape(options));
}

/**
 * Closed-form counts of a JSON spec (as a string or object).
 * @deprecated Use `specParams` from @mlp-blocks/core, which counts a spec of any registered family.
 */
export function countParams(spec: string | ({ model: string } & Record<string, unknown>)): ParamCounts {
  const parsed = parseSpec(spec);
  if (!('model' in parsed)) throw new ConfigError('countParams', 'model', 'a model spec', (parsed as Record<string, unknown>)['model']);
  return specParams(parsed as { model: string } & Record<string, unknown>);
}
