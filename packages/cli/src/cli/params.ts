import { existsSync } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DEFAULT_MAX_PARAMS, type ModelSpec, type ParamCounts, buildFromSpec, countParams, familyOf, specParams } from '@mlp-blocks/core';
import { resolveModelArg } from '../run/spec.js';
import { readSpec } from './spec.js';

/** What `params` reports: the counts, how they were found, and whether the total is over the size cap. */
export type ParamsReport = ParamCounts & { method: 'closed-form' | 'built'; maxParams: number; overCap: boolean };

/**
 * Parameter counts of a model spec, a preset name, or a block spec (`dims` fill a flat family's missing sizes): the family's closed form for a model (no
 * weights allocated, so ImageNet-size specs are instant), otherwise by building the block. Reports, rather than
 * refuses, a model over `maxParams` (default core's DEFAULT_MAX_PARAMS): `params` is how one learns the size to
 * pass to --max-params. A count that is not a safe integer is an error naming --spec.
 */
export function paramsOfSpec(value: string, dims: { inputDim?: number; outputDim?: number } = {}, maxParams = DEFAULT_MAX_PARAMS): ParamsReport {
  try {
    const counts = countsOf(value, dims);
    return { ...counts, maxParams, overCap: counts.total > maxParams };
  } catch (e) {
    const msg = (e as Error).message.replace(/^--model:/, '--spec:');
    throw new Error(msg.startsWith('--spec') ? msg : `--spec: ${msg}`);
  }
}

function countsOf(value: string, dims: { inputDim?: number; outputDim?: number }): ParamCounts & { method: 'closed-form' | 'built' } {
  const trimmed = value.trim();
  const looksLikeFile = trimmed.endsWith('.json') || trimmed.includes('/') || existsSync(value);
  const spec = trimmed.startsWith('{') || looksLikeFile ? readSpec(value) : resolveModelArg(trimmed);
  if ('model' in spec) {
    // A flat family's sizes come from the data elsewhere; here from --input-dim / --output-dim when the spec has none.
    const filled = familyOf(spec as ModelSpec).inputKind === 'flat' ? { ...dims, ...spec } : spec;
    return { ...specParams(filled as ModelSpec), method: 'closed-form' };
  }
  const built = buildFromSpec(spec) as tfl.LayersModel;
  const counts = countParams(built);
  built.dispose();
  return { ...counts, method: 'built' };
}
