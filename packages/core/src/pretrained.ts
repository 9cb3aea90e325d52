// The pretrained registry: a package of trained weights (such as @mlp-blocks/pretrained) registers each of its
// models here by name, so `createModel(name, { pretrained: true })` returns it and tools (the CLI's evaluate and
// predict) find it by name. Core never names such a package; the package names core.
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, describe } from './errors.js';

/** What a package of trained weights registers for each model: its name, architecture, data and loader. */
export interface PretrainedDescriptor {
  /** The name `createModel` takes with `{ pretrained: true }`: lower-case letters, digits, `-` or `_`. */
  name: string;
  /** The npm package whose import registers it (named in errors). */
  packageName: string;
  /** One line for listings. */
  description: string;
  /** The architecture: a complete spec of a registered family (`createModel(name, { pretrained: false })` builds it untrained). */
  spec: { model: string } & Record<string, unknown>;
  /** What it was trained on, in the CLI's words: `--task`, `--dataset` and, for denoising, `--sigma`. */
  data: { task: string; dataset: string; sigma?: number };
  /** The shape of one input example, e.g. [28, 28, 1] (what to feed it where its input layer leaves sizes open). */
  inputShape?: number[];
  /** The trained model, a new one on each call (the caller disposes it). */
  load(): tfl.LayersModel;
}

const NAME = /^[a-z][a-z0-9_-]*$/;
// A Map, so a user string such as "__proto__" is just an unknown name.
const entries = new Map<string, PretrainedDescriptor>();

/**
 * Registers a pretrained model. The same name again from the same package replaces it (a package loaded twice);
 * from another package it is an error.
 */
export function registerPretrained(descriptor: PretrainedDescriptor): PretrainedDescriptor {
  const d = descriptor;
  if (typeof d?.name !== 'string' || !NAME.test(d.name)) {
    throw new Error(`registerPretrained: name must be lower-case letters, digits, '_' or '-', received ${describe(d?.name)}`);
  }
  for (const key of ['packageName', 'description'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '') throw new Error(`registerPretrained(${d.name}): ${key} must be a non-empty string, received ${describe(d[key])}`);
  }
  if (d.spec == null || typeof d.spec !== 'object' || typeof d.spec.model !== 'string') {
    throw new Error(`registerPretrained(${d.name}): spec must be a model spec ({ model: <family>, ... }), received ${describe(d.spec)}`);
  }
  if (d.data == null || typeof d.data.task !== 'string' || typeof d.data.dataset !== 'string') {
    throw new Error(`registerPretrained(${d.name}): data must be { task, dataset }, received ${describe(d.data)}`);
  }
  if (d.inputShape !== undefined && !(Array.isArray(d.inputShape) && d.inputShape.every((n) => Number.isSafeInteger(n) && n > 0))) {
    throw new Error(`registerPretrained(${d.name}): inputShape must be a list of positive integers, received ${describe(d.inputShape)}`);
  }
  if (typeof d.load !== 'function') throw new Error(`registerPretrained(${d.name}): load must be a function, received ${describe(d.load)}`);
  const old = entries.get(d.name);
  if (old && old.packageName !== d.packageName) {
    throw new Error(`registerPretrained: the pretrained model "${d.name}" is already registered by ${old.packageName}; ${d.packageName} must choose another name`);
  }
  entries.set(d.name, d);
  return descriptor;
}

/** Every registered pretrained model, sorted by name. */
export function listPretrained(): PretrainedDescriptor[] {
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The pretrained model registered under `name`, or null. */
export function findPretrained(name: string): PretrainedDescriptor | null {
  return (typeof name === 'string' && entries.get(name)) || null;
}

/** The pretrained model registered under `name`; a ConfigError listing the registered ones when there is none. */
export function getPretrained(name: string): PretrainedDescriptor {
  const found = findPretrained(name);
  if (found) return found;
  const known = listPretrained().map((d) => d.name);
  throw new ConfigError('createModel', 'pretrained', 'the name of a registered pretrained model', name,
    `No pretrained model ${describe(name)}. Registered: ${known.length > 0 ? known.join(', ') : '(none)'}. `
    + 'Pretrained models are registered when their package is imported (e.g. import \'@mlp-blocks/pretrained\').');
}

/** What `resolvePretrained` answers. */
export interface PretrainedRequest {
  /** The architecture to build, or (with `load`) the one the trained model has, for its size check. */
  spec: { model: string } & Record<string, unknown>;
  /** Loads the trained model; absent for `pretrained: false`. */
  load?: () => tfl.LayersModel;
}

/**
 * What `createModel(name, { pretrained, ...options })` builds: with `pretrained: true`, the registered model's
 * loader and spec (its options are fixed, so any other option or a seed is an error); with `pretrained: false`,
 * the spec to build untrained (a pretrained name's architecture, with the options on top, or the name itself).
 */
export function resolvePretrained(name: string, options: Record<string, unknown>, build: { seed?: number } = {}): PretrainedRequest {
  const { pretrained, ...rest } = options;
  if (typeof pretrained !== 'boolean') throw new ConfigError('createModel', 'pretrained', 'true or false', pretrained);
  if (!pretrained) {
    const entry = findPretrained(name);
    return { spec: entry ? { ...entry.spec, ...rest, model: entry.spec.model } : { ...rest, model: name } };
  }
  const entry = getPretrained(name);
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) {
    throw new ConfigError('createModel', extra, `left out: the options of the pretrained model ${entry.name} are fixed (pretrained: false builds its architecture with yours)`, rest[extra]);
  }
  if (build.seed !== undefined) throw new ConfigError('createModel', 'seed', `left out: the weights of the pretrained model ${entry.name} are trained, not drawn`, build.seed);
  return { spec: entry.spec, load: () => entry.load() };
}
