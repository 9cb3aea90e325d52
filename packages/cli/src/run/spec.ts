import { createHash } from 'node:crypto';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type ModelSpec, buildFromSpec, countParams, getModelBuilder, parseSpec } from '@mlp-blocks/core';
import { builderSpec, fillImageSpec, isImageModel } from './image-models.js';
import type { TaskName, TaskSplits } from './tasks.js';

/**
 * Named model presets for `--model`; input and output sizes come from the data. `*-mnist` are the
 * paper's MNIST shapes (the hourglass one is its 1,953,080-parameter network); `*-tiny` train in seconds.
 */
export const PRESETS: Record<string, Record<string, unknown> & { model: string }> = {
  'hourglass-mnist': { model: 'hourglass', width: 785, bottleneck: 115, depth: 4, lift: 'trainable' },
  'hourglass-fixed': { model: 'hourglass', width: 1150, bottleneck: 115, depth: 10, lift: 'fixed' },
  'conventional-mnist': { model: 'conventional', hidden: 1150, depth: 2 },
  'hourglass-tiny': { model: 'hourglass', width: 96, bottleneck: 16, depth: 2, lift: 'trainable' },
  'conventional-tiny': { model: 'conventional', hidden: 128, depth: 2 },
};

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A `--model` value: a preset name, inline JSON, or (via readSpec) a JSON file's contents. */
export function resolveModelArg(value: string): ModelSpec {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) {
    const preset = PRESETS[trimmed];
    if (!preset) throw new ConfigError('train', '--model', `a preset (${Object.keys(PRESETS).join(', ')}) or a JSON spec`, value, `--model: unknown preset "${value}"; presets: ${Object.keys(PRESETS).join(', ')}, or give a JSON spec such as {"model":"hourglass",...}`);
    return { ...preset };
  }
  const spec = parseSpec(trimmed);
  if (!('model' in spec)) throw new ConfigError('train', '--model', 'a whole-model spec with a "model" key', spec);
  return spec as ModelSpec;
}

/**
 * Completes a spec from the data: inputDim and outputDim from the example shapes, and linear outputs
 * (logits) for classification unless the spec chose an output activation. Image models (gMLP, Mixer,
 * ResMLP) get the image size, channels and class count instead, and an input adapter from flat vectors.
 */
export function fillSpec(spec: ModelSpec, splits: Pick<TaskSplits, 'train' | 'imageShape' | 'layout'>, task: TaskName): ModelSpec {
  if (isImageModel(spec)) {
    if (task !== 'classify') {
      throw new ConfigError('train', '--model', 'a flat model (hourglass, conventional) for this task', spec.model,
        `--model: ${spec.model} is an image classifier; --task ${task} needs a flat model (hourglass, conventional)`);
    }
    return fillImageSpec(spec, product(splits.train.inputShape), product(splits.train.targetShape), splits.imageShape, splits.layout ?? 'chw');
  }
  const out: ModelSpec = { ...spec };
  if (out['inputDim'] === undefined) out['inputDim'] = product(splits.train.inputShape);
  if (out['outputDim'] === undefined) out['outputDim'] = product(splits.train.targetShape);
  if (task === 'classify' && out['outputActivation'] === undefined) out['outputActivation'] = 'linear';
  return out;
}

/** Trainable / non-trainable counts of a spec: closed form when the model package has one, else by building. */
export function specParams(spec: ModelSpec): { trainable: number; nonTrainable: number; total: number } {
  const builder = getModelBuilder(spec.model);
  if (builder.countParams) return builder.countParams(builderSpec(spec));
  const model = buildFromSpec(builderSpec(spec)) as tfl.LayersModel;
  const counts = countParams(model);
  model.dispose();
  return counts;
}

/** JSON with object keys sorted at every level, so equal specs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short stable id from any JSON value. */
export function hashOf(value: unknown, length = 12): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}
