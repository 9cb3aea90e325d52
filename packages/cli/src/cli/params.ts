import { existsSync } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ModelSpec, type ParamCounts, buildFromSpec, countParams, familyOf, specParams } from '@mlp-blocks/core';
import { resolveModelArg } from '../run/spec.js';
import { readSpec } from './spec.js';

/**
 * Parameter counts of a model spec, a preset name, or a block spec (`dims` fill a flat family's missing sizes): the family's closed form for a model (no
 * weights allocated, so ImageNet-size specs are instant), otherwise by building the block.
 */
export function paramsOfSpec(value: string, dims: { inputDim?: number; outputDim?: number } = {}): ParamCounts & { method: 'closed-form' | 'built' } {
  const trimmed = value.trim();
  const looksLikeFile = trimmed.endsWith('.json') || trimmed.includes('/') || existsSync(value);
  let spec: ReturnType<typeof readSpec>;
  if (trimmed.startsWith('{') || looksLikeFile) spec = readSpec(value);
  else {
    try {
      spec = resolveModelArg(trimmed);
    } catch (e) {
      throw new Error((e as Error).message.replace(/^--model:/, '--spec:'));
    }
  }
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
