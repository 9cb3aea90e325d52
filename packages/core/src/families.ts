// The family registry: every block package registers a descriptor of each model family it provides (its options
// schema, input kind, presets, builder and closed-form parameter count). Training tools, the CLI, reports and the
// JSON Schema of specs read this registry; nothing lists families by hand, so a family published by anyone works
// everywhere once its package is imported.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ParamCounts } from './block.js';
import { ConfigError, describe } from './errors.js';
import { MAX_SEED, withSeededRandom } from './random.js';
import { resolvePretrained } from './pretrained.js';
import { type OptionEntries, type OptionsInput, type OptionsOutput, type OptionsSchema, type Renames, applyRenames, parseOptions } from './options/parse.js';

/**
 * What a family's models take and give, so tools can feed them data:
 * - `flat`: vectors [batch, inputDim] → [batch, outputDim]; the spec's `inputDim` and `outputDim` are the sizes.
 * - `image`: channel-last images [batch, height, width, channels] → class logits [batch, numClasses]; the spec's
 *   `imageSize` ([height, width]), `inputChannels` and `numClasses` are the sizes.
 * - `sequence`: anything else (tokens, time series); tools that only have vectors and images cannot feed it.
 */
export type InputKind = 'flat' | 'image' | 'sequence';

/** A named configuration of a family (as timm's model names): options that a spec or `createModel` may override. */
export interface Preset<E extends OptionEntries = OptionEntries> {
  /** One line: what the preset is (paper table, size). */
  description: string;
  options: Partial<OptionsInput<E>>;
}

/** What a block package registers for each model family it provides; see CONTRIBUTING.md. */
export interface FamilyDescriptor<E extends OptionEntries = OptionEntries> {
  /** The spec's `"model"` value: lower-case letters, digits, `-` or `_`. */
  name: string;
  /** The npm package whose import registers it (named in errors and reports). */
  packageName: string;
  /** One line for listings. */
  description: string;
  /** Named in option errors (default `<name> spec`), e.g. the builder function's name. */
  owner?: string;
  /** Every option of a spec of this family (without `model` and `preset`), each declared once. */
  options: OptionsSchema<E>;
  /** Old option names still accepted (old → new), with a deprecation warning. */
  renames?: Renames;
  /** Parses a spec's options when the schema alone cannot (e.g. options that depend on a `kind`); default parseOptions. */
  parse?(options: Record<string, unknown>, owner: string): OptionsOutput<E>;
  /**
   * What the models take (see InputKind); a function when it depends on the options. The function may be asked
   * before the options are parsed (tools fill sizes from data first): read options defensively, defaults absent.
   */
  input: InputKind | ((options: Partial<OptionsOutput<E>>) => InputKind);
  /** Named configurations, e.g. `mixer_s16`; names are unique across all families. */
  presets?: Readonly<Record<string, Preset<E>>>;
  /** Builds an untrained model from parsed options. */
  build(options: OptionsOutput<E>): tfl.LayersModel;
  /** Trainable / non-trainable / total parameters in closed form, equal to `countParams(build(options))`. */
  countParams(options: OptionsOutput<E>): ParamCounts;
  /** The paper the family implements, as one citation line. */
  citation?: string;
}

/** A spec resolved against the registry: its family, parsed options, and the preset it started from. */
export interface ResolvedSpec {
  family: FamilyDescriptor;
  options: Record<string, unknown>;
  preset: string | null;
}

/** One creatable name: a family, or a preset of one. */
export interface ModelName {
  name: string;
  family: string;
  packageName: string;
  description: string;
  kind: 'family' | 'preset';
}

const NAME = /^[a-z][a-z0-9_-]*$/;
// Maps (never plain objects) so a user string such as "__proto__" or "constructor" is just an unknown name.
const families = new Map<string, FamilyDescriptor>();
const presets = new Map<string, { family: string; preset: Preset }>();

/** Presets are looked up with `-` and `_` treated alike (`hourglass-mnist` is `hourglass_mnist`). */
const presetKey = (name: string) => name.replace(/-/g, '_');

/**
 * Registers a model family. Registering the same name again from the same package replaces it (a package loaded
 * twice); from another package it is an error, as is a preset name another family already uses.
 */
export function registerFamily<E extends OptionEntries>(descriptor: FamilyDescriptor<E>): FamilyDescriptor<E> {
  const d = descriptor as unknown as FamilyDescriptor;
  if (typeof d.name !== 'string' || !NAME.test(d.name)) {
    throw new Error(`registerFamily: name must be lower-case letters, digits, '_' or '-', received ${describe(d.name)}`);
  }
  for (const key of ['packageName', 'description'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '') throw new Error(`registerFamily(${d.name}): ${key} must be a non-empty string, received ${describe(d[key])}`);
  }
  for (const key of ['build', 'countParams'] as const) {
    if (typeof d[key] !== 'function') throw new Error(`registerFamily(${d.name}): ${key} must be a function, received ${describe(d[key])}`);
  }
  if (d.options == null || typeof d.options !== 'object' || !('entries' in d.options)) {
    throw new Error(`registerFamily(${d.name}): options must be an options schema (defineOptions({...}))`);
  }
  const old = families.get(d.name);
  if (old && old.packageName !== d.packageName) {
    throw new Error(`registerFamily: the family "${d.name}" is already registered by ${old.packageName}; ${d.packageName} must choose another name`);
  }
  for (const name of Object.keys(d.presets ?? {})) {
    const key = presetKey(name);
    const owner = presets.get(key);
    if ((owner && owner.family !== d.name) || families.has(key) || (key !== d.name && presetKey(d.name) === key)) {
      throw new Error(`registerFamily(${d.name}): preset name "${name}" is already used by ${owner ? `the family ${owner.family}` : 'a family'}`);
    }
    if (!NAME.test(key)) throw new Error(`registerFamily(${d.name}): preset name must be lower-case letters, digits, '_' or '-', received ${describe(name)}`);
  }
  if (old) for (const [key, p] of presets) if (p.family === d.name) presets.delete(key);
  families.set(d.name, d);
  for (const [name, preset] of Object.entries(d.presets ?? {})) presets.set(presetKey(name), { family: d.name, preset });
  return descriptor;
}

/** Every registered family, sorted by name. */
export function listFamilies(): FamilyDescriptor[] {
  return [...families.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function unknownName(name: unknown): ConfigError {
  const known = listModels();
  return new ConfigError('spec', 'model', 'a registered model family or preset', name,
    `Unknown model ${describe(name)}. Registered: ${known.length > 0 ? known.join(', ') : '(none)'}. `
    + 'A family is registered when its package is imported (e.g. import \'@mlp-blocks/hourglass\'); '
    + 'the mlp-blocks CLI loads other packages with --plugin <package>.');
}

/** The family registered under `name`; a ConfigError listing the registered names when there is none. */
export function getFamily(name: string): FamilyDescriptor {
  const d = typeof name === 'string' ? families.get(name) : undefined;
  if (!d) throw unknownName(name);
  return d;
}

/** The preset registered under `name` (`-` and `_` alike) with its family's name, or null. */
export function findPreset(name: string): { family: string; name: string; preset: Preset } | null {
  if (typeof name !== 'string') return null;
  const found = presets.get(presetKey(name));
  return found ? { family: found.family, name: presetKey(name), preset: found.preset } : null;
}

/** Every name `createModel` accepts: families and their presets, sorted. */
export function listModelNames(): ModelName[] {
  const out: ModelName[] = [];
  for (const d of families.values()) {
    out.push({ name: d.name, family: d.name, packageName: d.packageName, description: d.description, kind: 'family' });
    for (const [name, p] of Object.entries(d.presets ?? {})) {
      out.push({ name: presetKey(name), family: d.name, packageName: d.packageName, description: p.description, kind: 'preset' });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every name `createModel` accepts (families and presets), sorted. */
export function listModels(): string[] {
  return listModelNames().map((m) => m.name);
}

/** The spec's own options: everything but `model` and `preset`. */
function ownOptions(spec: Record<string, unknown>): Record<string, unknown> {
  const { model: _model, preset: _preset, ...rest } = spec;
  return rest;
}

/**
 * Resolves a spec `{"model": <family or preset>, "preset"?: <preset>, ...options}`: the preset's options first,
 * the spec's own on top, then parsed against the family's schema (defaults filled, ConfigErrors otherwise).
 */
export function resolveSpec(spec: { model: string } & Record<string, unknown>): ResolvedSpec {
  if (spec == null || typeof spec !== 'object' || typeof spec.model !== 'string') {
    throw new ConfigError('spec', 'model', 'a string naming a model family or preset', (spec as { model?: unknown } | null)?.model);
  }
  let familyName = spec.model;
  let presetName: string | null = null;
  if (!families.has(familyName)) {
    const p = findPreset(familyName);
    if (!p) throw unknownName(familyName);
    familyName = p.family;
    presetName = p.name;
  }
  const family = getFamily(familyName);
  // A family without presets (e.g. one registered with the deprecated registerModel) gets "preset" as an option.
  const presetsHere = family.presets !== undefined && Object.keys(family.presets).length > 0;
  if (spec['preset'] !== undefined && (presetsHere || family.parse === undefined)) {
    const p = typeof spec['preset'] === 'string' ? findPreset(spec['preset']) : null;
    const own = Object.keys(family.presets ?? {});
    if (!p || p.family !== family.name) {
      throw new ConfigError(family.owner ?? `${family.name} spec`, 'preset', own.length ? `one of ${own.map((n) => `"${n}"`).join(', ')}` : 'left out (this family has no presets)', spec['preset']);
    }
    if (presetName !== null && presetName !== p.name) {
      throw new ConfigError('spec', 'preset', `the preset named by "model" (${presetName})`, spec['preset']);
    }
    presetName = p.name;
  }
  const base = presetName === null ? {} : (findPreset(presetName)!.preset.options as Record<string, unknown>);
  const owner = family.owner ?? `${family.name} spec`;
  const { model: _model, ...withPreset } = spec;
  // Old names in the spec are renamed before the preset is merged in, so an old name can override a preset value.
  const given = family.renames ? applyRenames(owner, ownOptions(spec), family.renames) : ownOptions(spec);
  const raw = presetsHere || family.parse === undefined ? { ...base, ...given } : withPreset;
  const options = family.parse
    ? family.parse(raw, owner)
    : parseOptions(owner, family.options, raw, family.renames ? { renames: family.renames } : {});
  return { family, options: options as Record<string, unknown>, preset: presetName };
}

/** The input kind of a resolved spec. */
export function inputKindOf(resolved: ResolvedSpec): InputKind {
  const input = resolved.family.input;
  return typeof input === 'function' ? input(resolved.options) : input;
}

/**
 * The family a spec names (in `model`, directly or through one of its presets) and the spec's options over that
 * preset's, without parsing them: what a tool needs to fill a spec's sizes from its data before building it.
 */
export function familyOf(spec: { model: string } & Record<string, unknown>): { family: FamilyDescriptor; options: Record<string, unknown>; inputKind: InputKind } {
  if (spec == null || typeof spec !== 'object' || typeof spec.model !== 'string') {
    throw new ConfigError('spec', 'model', 'a string naming a model family or preset', (spec as { model?: unknown } | null)?.model);
  }
  const direct = families.get(spec.model);
  const viaModel = direct ? null : findPreset(spec.model);
  if (!direct && !viaModel) throw unknownName(spec.model);
  const family = direct ?? getFamily(viaModel!.family);
  const named = typeof spec['preset'] === 'string' ? findPreset(spec['preset']) : null;
  const preset = viaModel ?? (named && named.family === family.name ? named : null);
  const options = { ...(preset ? (preset.preset.options as Record<string, unknown>) : {}), ...ownOptions(spec) };
  const input = family.input;
  return { family, options, inputKind: typeof input === 'function' ? input(options as never) : input };
}

/**
 * The largest model `buildModel` and `createModel` build unless told otherwise: 100 million parameters (400 MB of
 * float32 weights, before gradients and optimizer state). Raise it with `maxParams` (the CLI's `--max-params`).
 */
export const DEFAULT_MAX_PARAMS = 100_000_000;

/** The size cap of `checkModelSize`, `buildModel` and `createModel`. */
export interface SizeOptions {
  /** The most parameters (total) a model may have; default DEFAULT_MAX_PARAMS; `Infinity` turns the cap off. */
  maxParams?: number;
}

/** How `buildModel` and `createModel` build. */
export interface BuildOptions extends SizeOptions {
  /** Draw the initial weights from this seed (the same weights in every process); default: unseeded. */
  seed?: number;
}

const thousands = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** The closed-form counts of a resolved spec, checked to be non-negative safe integers (never ∞ or NaN). */
function closedFormCounts(r: ResolvedSpec, name: string): ParamCounts {
  const counts = r.family.countParams(r.options);
  for (const key of ['total', 'trainable', 'nonTrainable'] as const) {
    const n = counts[key];
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ConfigError('spec', 'params', 'a parameter count that is a safe integer', n,
        `Model ${describe(name)} would have ${typeof n === 'number' && Number.isFinite(n) ? `about ${n.toExponential(2)}` : String(n)} ${key === 'total' ? '' : `${key} `}parameters, `
        + `which is not a safe integer (at most ${thousands(Number.MAX_SAFE_INTEGER)}): some size option is far too large`);
    }
  }
  return counts;
}

function maxParamsOf(options: SizeOptions, owner: string): number {
  const max = options.maxParams ?? DEFAULT_MAX_PARAMS;
  if (max !== Infinity && (!Number.isSafeInteger(max) || max < 1)) {
    throw new ConfigError(owner, 'maxParams', 'a positive integer (or Infinity for no cap)', max);
  }
  return max;
}

function checkResolvedSize(r: ResolvedSpec, name: string, maxParams: number): number {
  const { total } = closedFormCounts(r, name);
  if (total > maxParams) {
    throw new ConfigError('spec', 'maxParams', `at least the model's ${thousands(total)} parameters`, maxParams,
      `Model ${describe(name)} would have ${thousands(total)} parameters, over the cap of ${thousands(maxParams)}; `
      + 'to build it anyway, pass maxParams (e.g. buildModel(spec, { maxParams: ' + total + ' })) or --max-params on the command line');
  }
  return total;
}

/**
 * The spec's total parameter count in closed form (nothing is allocated), after checking it: a ConfigError when the
 * count is not a safe integer, or exceeds `maxParams` (default DEFAULT_MAX_PARAMS). `buildModel` and `createModel`
 * call it before building, so an absurd size fails at once instead of exhausting memory.
 */
export function checkModelSize(spec: { model: string } & Record<string, unknown>, options: SizeOptions = {}): number {
  const max = maxParamsOf(options, 'checkModelSize');
  return checkResolvedSize(resolveSpec(spec), spec.model, max);
}

/**
 * Builds an untrained model from a spec (see resolveSpec); with `seed`, reproducibly. Checks its size first (see
 * checkModelSize).
 */
export function buildModel(spec: { model: string } & Record<string, unknown>, build: BuildOptions = {}): tfl.LayersModel {
  const max = maxParamsOf(build, 'buildModel');
  if (build.seed !== undefined && (!Number.isInteger(build.seed) || build.seed < 0 || build.seed > MAX_SEED)) {
    throw new ConfigError('buildModel', 'seed', `an integer in [0, ${MAX_SEED}]`, build.seed);
  }
  const r = resolveSpec(spec);
  checkResolvedSize(r, spec.model, max);
  if (build.seed === undefined) return r.family.build(r.options);
  return withSeededRandom(build.seed, () => r.family.build(r.options));
}

/**
 * Trainable / non-trainable / total parameter counts of a spec in closed form, without building it (core's
 * `countParams(layer)` counts a built layer or model). A ConfigError when a count is not a safe integer.
 */
export function specParams(spec: { model: string } & Record<string, unknown>): ParamCounts {
  return closedFormCounts(resolveSpec(spec), spec.model);
}

/**
 * A model by name, as timm's `create_model`: a family name with its options, or a preset name with options that
 * override the preset's. `createModel('mixer_s16', { numClasses: 10 })`. Checks its size first (see checkModelSize).
 * With `{ pretrained: true }`, a registered pretrained model with its trained weights
 * (`createModel('hourglass_mnist_denoise', { pretrained: true })` once `@mlp-blocks/pretrained` is imported).
 */
export function createModel(name: string, options: Record<string, unknown> = {}, build: BuildOptions = {}): tfl.LayersModel {
  if (options == null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError('createModel', 'options', 'an object of options', options);
  }
  if (Object.hasOwn(options, 'model')) throw new ConfigError('createModel', 'model', 'left out (the name is the first argument)', options['model']);
  if (Object.hasOwn(options, 'pretrained')) {
    const p = resolvePretrained(name, options, build); // see pretrained.ts: trained weights registered by name
    if (!p.load) return buildModel(p.spec, build);
    checkModelSize(p.spec, build);
    return p.load();
  }
  return buildModel({ ...options, model: name }, build);
}
