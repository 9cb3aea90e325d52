import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Block, CLASS_PREFIX, PACKAGE_KEY, countParams } from './block.js';
import { ConfigError, describe } from './errors.js';
import { buildModel, getFamily, registerFamily, specParams } from './families.js';
import { defineOptions } from './options/parse.js';

/** A concrete block class: constructible from its config, with a registry-prefixed `className`. */
export interface BlockClass {
  new (args: never): Block;
  className: string;
  packageName: string;
}

/** A JSON model spec: `model` names a registered model builder, the other keys are its options. */
export type ModelSpec = { model: string } & Record<string, unknown>;
/** A JSON block spec: `block` names a registered block class, the other keys are its options. */
export type BlockSpec = { block: string } & Record<string, unknown>;

/**
 * What `registerModel` (deprecated) takes: a builder of whole models from specs. New code registers a
 * {@link FamilyDescriptor} with `registerFamily` instead.
 */
export interface ModelBuilder {
  /** The npm package that provides it (named in errors when it is missing). */
  packageName: string;
  /** Builds the model from a spec (the `model` key included). */
  build(spec: ModelSpec): tfl.LayersModel;
  /** Closed-form parameter count of the spec, when the package can compute one without building. */
  countParams?(spec: ModelSpec): { trainable: number; nonTrainable: number; total: number };
}

const blocks = new Map<string, BlockClass>();

/**
 * Registers a block class for tfjs serialization (under its prefixed `className`) and in the block registry
 * (under the name without the prefix). Call it once at import of the package entry.
 */
export function registerBlock<C extends BlockClass>(cls: C): C {
  const className = cls.className;
  if (typeof className !== 'string' || !className.startsWith(CLASS_PREFIX) || className.length === CLASS_PREFIX.length) {
    throw new Error(`registerBlock: ${cls.name}.className must be "${CLASS_PREFIX}<Name>", received ${describe(className)}`);
  }
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  blocks.set(className.slice(CLASS_PREFIX.length), cls);
  return cls;
}

/**
 * Registers a whole-model builder under a spec name. The builder gets the spec unchecked. (No warning is printed:
 * it would reach the users of the package that calls this, who cannot act on it.)
 * @deprecated Register a {@link FamilyDescriptor} with `registerFamily`, which also declares the options, input
 * kind, presets and closed-form count.
 */
export function registerModel(name: string, builder: ModelBuilder): void {
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new Error(`registerModel: name must be lower-case letters, digits, '_' or '-', received ${describe(name)}`);
  registerFamily({
    name, packageName: builder.packageName, description: `${name} (registered with the deprecated registerModel)`,
    options: defineOptions({}), parse: (raw) => raw as never, input: 'flat',
    build: (options) => builder.build({ ...options, model: name }),
    countParams: (options) => {
      if (builder.countParams) return builder.countParams({ ...options, model: name });
      const model = builder.build({ ...options, model: name });
      const counts = countParams(model);
      model.dispose();
      return counts;
    },
  });
}

/** The names of the registered block classes (without the class prefix), sorted. */
export function listBlocks(): string[] {
  return [...blocks.keys()].sort();
}

function missingBlock(name: string): Error {
  const known = listBlocks();
  return new ConfigError('spec', 'block', 'a registered block name', name,
    `Unknown block ${describe(name)}. Registered: ${known.length > 0 ? known.join(', ') : '(none)'}. `
    + 'A block is registered when its package is imported (e.g. import \'@mlp-blocks/gmlp\').');
}

/**
 * The registered block class of this name (with or without the class prefix); when there is none, throws a
 * ConfigError naming the package that provides it (for the known ones) or listing the registered names.
 */
export function getBlockClass(name: string): BlockClass {
  const cls = blocks.get(name.startsWith(CLASS_PREFIX) ? name.slice(CLASS_PREFIX.length) : name);
  if (!cls) throw missingBlock(name);
  return cls;
}

/** The model builder of a family name. Deprecated: use `getFamily`, `buildModel` and `specParams`. */
export function getModelBuilder(name: string): ModelBuilder {
  const family = getFamily(name);
  return {
    packageName: family.packageName,
    build: (spec) => buildModel({ ...spec, model: name }),
    countParams: (spec) => specParams({ ...spec, model: name }),
  };
}

/** Parses a spec given as an object or JSON text, with errors that say what is wrong. */
export function parseSpec(spec: unknown): ModelSpec | BlockSpec {
  let value = spec;
  if (typeof spec === 'string') {
    try {
      value = JSON.parse(spec);
    } catch (e) {
      throw new ConfigError('spec', 'spec', 'JSON text', spec, `spec is not valid JSON (${(e as Error).message}): ${spec.slice(0, 200)}`);
    }
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('spec', 'spec', 'an object with a "model" or "block" key', value);
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj['model'] === 'string') return obj as ModelSpec;
  if (typeof obj['block'] === 'string') return obj as BlockSpec;
  throw new ConfigError('spec', 'model', 'a string naming a model (or "block" naming a block)', obj['model'] ?? obj['block'],
    `spec needs a "model" (whole network) or "block" (one layer) string, received ${describe(value)}`);
}

/** Builds a whole model from `{"model": ...}` or one block layer from `{"block": ...}`. */
export function buildFromSpec(spec: unknown): tfl.LayersModel | Block {
  const parsed = parseSpec(spec);
  if ('model' in parsed && typeof parsed.model === 'string') return buildModel(parsed as ModelSpec);
  const { block, ...options } = parsed as BlockSpec;
  const Cls = getBlockClass(block);
  return new Cls(options as never);
}

/** Raised when a saved model uses a block class that no imported package has registered. */
export class MissingBlockError extends Error {
  readonly className: string;
  readonly packageName: string | undefined;

  constructor(className: string, packageName: string | undefined) {
    super(packageName
      ? `The model uses ${className}, which ${packageName} registers. Install ${packageName} and import it before loading the model (import '${packageName}').`
      : `The model uses ${className}, which no imported package has registered; import the package that defines it before loading the model.`);
    this.name = 'MissingBlockError';
    this.className = className;
    this.packageName = packageName;
  }
}

/** Walks a saved topology and throws MissingBlockError for the first unregistered mlp-blocks class. */
export function assertBlocksRegistered(topology: unknown): void {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node == null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const className = obj['class_name'] ?? obj['className'];
    if (typeof className === 'string' && className.startsWith(CLASS_PREFIX) && !(className in registered)) {
      const config = obj['config'] as Record<string, unknown> | undefined;
      // Saved topologies carry snake_case keys (tfjs converts them), in-memory configs camelCase.
      const saved = config?.['mlp_blocks_package'] ?? config?.[PACKAGE_KEY];
      const pkg = typeof saved === 'string' ? saved : undefined;
      throw new MissingBlockError(className, pkg);
    }
    Object.values(obj).forEach(visit);
  };
  visit(topology);
}

/**
 * `tf.loadLayersModel` with checks first: a model using an mlp-blocks class whose package was not imported fails
 * with an error naming that package, instead of tfjs's generic "Unknown layer"; and the saved weights must cover
 * every weight of the model exactly (names, shapes, dtypes), so a model.json without weights, or with weights of
 * another model, is an error rather than a model with random or partly random weights.
 */
export async function loadBlocksModel(source: string | tf.io.IOHandler): Promise<tfl.LayersModel> {
  const handler = typeof source === 'string' ? tf.io.getLoadHandlers(source)[0] : source;
  if (!handler?.load) throw new Error(`loadBlocksModel: no load handler for ${describe(source)}; pass an IOHandler (for files in Node, import '@mlp-blocks/core/node' for file:// URLs, or pass fileSystem(dir) from it)`);
  const artifacts = await handler.load();
  await checkArtifacts(artifacts);
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts));
}

/**
 * The checks of {@link loadBlocksModel} on loaded artifacts (every block registered, the weights exactly the
 * model's), for handlers that tfjs itself loads through, such as the `file://` router of `@mlp-blocks/core/node`.
 * @internal
 */
export async function checkArtifacts(artifacts: tf.io.ModelArtifacts): Promise<void> {
  assertBlocksRegistered(artifacts.modelTopology);
  // The topology alone gives the weights the model needs. tfjs checks names only while assigning, and a failed
  // assignment leaks the half-loaded model, so the comparison is done on a skeleton that is always disposed.
  const skeleton = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology, format: artifacts.format }));
  let problem: string | null;
  try {
    problem = weightsProblem(skeleton, artifacts);
  } finally {
    skeleton.dispose();
  }
  if (problem !== null) throw new Error(`loadBlocksModel: ${problem}`);
}

/** What is wrong with the saved weights for this model, or null when they match its weights exactly. */
function weightsProblem(model: tfl.LayersModel, artifacts: tf.io.ModelArtifacts): string | null {
  const needed = model.weights;
  const specs = (artifacts.weightSpecs ?? []).filter((s) => s.group !== 'optimizer');
  if (artifacts.weightData == null || artifacts.weightSpecs == null) {
    return needed.length === 0 ? null : `the saved model has no weights for its ${needed.length} weights (no weightsManifest); loading it would give random weights`;
  }
  const saved = new Map(specs.map((s) => [s.name, s]));
  if (saved.size !== specs.length) return 'the saved weights name a weight more than once';
  const missing = needed.filter((w) => !saved.has(w.originalName)).map((w) => w.originalName);
  if (missing.length > 0) return `the saved weights lack ${missing.length} of the model's ${needed.length} weights: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`;
  const names = new Set(needed.map((w) => w.originalName));
  const extra = specs.filter((s) => !names.has(s.name)).map((s) => s.name);
  if (extra.length > 0) return `the saved weights include ${extra.length} the model does not have: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`;
  for (const w of needed) {
    const s = saved.get(w.originalName)!;
    if (s.shape.length !== w.shape.length || s.shape.some((d, i) => d !== w.shape[i])) {
      return `the saved weight ${w.originalName} has shape [${s.shape.join(', ')}] but the model needs [${w.shape.join(', ')}]`;
    }
    if (s.dtype !== w.dtype) return `the saved weight ${w.originalName} has dtype ${s.dtype} but the model needs ${w.dtype}`;
  }
  return null;
}
