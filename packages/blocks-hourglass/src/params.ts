import { ConfigError, type ParamCounts, parseSpec, specParams } from '@mlp-blocks/core';
import { type ConventionalOptions, type HourglassOptions, type NetworkShape, type ResolvedNetwork, conventionalShape, hourglassShape } from './options.js';

/**
 * Closed-form parameter counts (equal to the built model's): trainable =
 * (trainable lift ? d_in·d_z : 0) + d_z·d_out + Σ_i (2·d_z·d_h,i [+ d_h,i + d_z with biases] [+ norm and
 * LayerScale parameters]); non-trainable = frozen lift d_in·d_z + batch-norm running statistics 2·d_z per block.
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

/** Closed-form parameter counts of `hourglassMlp(options)`, without building it. */
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
