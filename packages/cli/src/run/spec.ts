import { createHash } from 'node:crypto';
import { ConfigError, DEFAULT_MAX_PARAMS, type ModelSpec, type ParamCounts, familyOf, findPreset, listFamilies, listModels, parseSpec, specParams as familyParams } from '@mlp-blocks/core';
import { builderSpec, fillImageSpec } from './image-models.js';
import { checkJsonDepth } from './json-limits.js';
import type { TaskName, TaskSplits } from './tasks.js';

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * A `--model` value: the name of a family (its defaults) or of a preset of any registered family (`hourglass-mnist`
 * and `hourglass_mnist` alike),
 * inline JSON, or (via readSpec) a JSON file's contents. A preset becomes its family's spec with the preset's
 * options written out, so results record exactly what was trained.
 */
export function resolveModelArg(value: string): ModelSpec {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) {
    if (listFamilies().some((f) => f.name === trimmed)) return { model: trimmed }; // a family with its defaults
    const preset = findPreset(trimmed);
    if (!preset) {
      throw new ConfigError('train', '--model', 'a preset or a JSON spec', value,
        `--model: unknown preset "${value}"; presets and families: ${listModels().join(', ')}, or give a JSON spec such as {"model":"hourglass",...}`);
    }
    return { model: preset.family, ...(preset.preset.options as Record<string, unknown>) };
  }
  checkJsonDepth(trimmed, '--model');
  const spec = parseSpec(trimmed);
  if (!('model' in spec)) throw new ConfigError('train', '--model', 'a whole-model spec with a "model" key', spec);
  return spec as ModelSpec;
}

/**
 * Completes a spec from the data, by the input kind its family declares: a flat family gets inputDim and
 * outputDim from the example shapes (and linear outputs, i.e. logits, for classification unless the spec chose an
 * output activation); an image family gets the image size, channels and class count, and an input adapter from
 * the flat vectors the data sets hand out. A sequence family cannot take these data sets.
 */
export function fillSpec(spec: ModelSpec, splits: Pick<TaskSplits, 'train' | 'imageShape' | 'layout'>, task: TaskName): ModelSpec {
  const { family, inputKind } = familyOf(spec);
  if (inputKind === 'image') {
    if (task !== 'classify') {
      throw new ConfigError('train', '--model', 'a flat model for this task', spec.model,
        `--model: ${spec.model} is an image classifier; --task ${task} needs a flat model (${flatFamilies().join(', ')})`);
    }
    return fillImageSpec(spec, family, product(splits.train.inputShape), product(splits.train.targetShape), splits.imageShape, splits.layout ?? 'chw');
  }
  if (inputKind === 'sequence') {
    throw new ConfigError('train', '--model', 'a flat or image model', spec.model,
      `--model: ${spec.model} takes sequences, but the CLI's data sets are vectors and images; use a flat (${flatFamilies().join(', ')}) or image model`);
  }
  const out: ModelSpec = { ...spec };
  if (out['inputDim'] === undefined) out['inputDim'] = product(splits.train.inputShape);
  if (out['outputDim'] === undefined) out['outputDim'] = product(splits.train.targetShape);
  if (task === 'classify' && out['outputActivation'] === undefined) out['outputActivation'] = 'linear';
  return out;
}

/** The registered families that take flat vectors (for error messages). */
function flatFamilies(): string[] {
  return listModels().filter((name) => {
    try {
      const f = familyOf({ model: name });
      return f.family.name === name && f.inputKind === 'flat';
    } catch {
      return false;
    }
  });
}

/** Trainable / non-trainable counts of a filled spec, in the family's closed form (nothing is built). */
export function trialParams(spec: ModelSpec): ParamCounts {
  return familyParams(builderSpec(spec));
}

const thousands = (n: number) => n.toLocaleString('en-US');

/**
 * The closed-form counts of a filled spec, checked against the size cap before anything is built or allocated:
 * an absurd size fails at once, naming `source` (the flag, or the grid file and model) and how to raise the cap,
 * instead of exhausting memory or failing deep inside tfjs. The cap is on the total count, as core's buildModel.
 */
export function checkTrialSize(spec: ModelSpec, maxParams: number = DEFAULT_MAX_PARAMS, source = '--model'): ParamCounts {
  let counts: ParamCounts;
  try {
    counts = trialParams(spec);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(source) ? msg : `${source}: ${msg}`);
  }
  if (counts.total > maxParams) {
    throw new ConfigError('train', '--max-params', `at least ${counts.total}`, maxParams,
      `${source}: ${spec.model} would have ${thousands(counts.total)} parameters, over the cap of ${thousands(maxParams)}; `
      + `pass --max-params ${counts.total} (or more) to allow it`);
  }
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
