import type * as tfl from '@tensorflow/tfjs-layers';
import { type ParamCounts, buildFromSpec, countParams, getModelBuilder } from '@mlp-blocks/core';
import { readSpec } from './spec.js';

/**
 * Parameter counts of a model spec: the package's closed form when it has one (no weights allocated, so
 * ImageNet-size specs are instant), otherwise by building the model.
 */
export function paramsOfSpec(value: string): ParamCounts & { method: 'closed-form' | 'built' } {
  const spec = readSpec(value);
  if ('model' in spec) {
    const builder = getModelBuilder(spec.model as string);
    if (builder.countParams) return { ...builder.countParams(spec as never), method: 'closed-form' };
  }
  const built = buildFromSpec(spec) as tfl.LayersModel;
  const counts = countParams(built);
  built.dispose();
  return { ...counts, method: 'built' };
}
