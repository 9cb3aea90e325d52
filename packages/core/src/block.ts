import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type OptionEntries, type OptionsOutput, type OptionsSchema, type Renames, parseOptions, toConfig } from './options/parse.js';
import { knownOptions } from './validate.js';
import type { ConfigDict, Initializer, Kwargs, LayerArgs, LayerVariable, Shape } from './types.js';

/** Every class name this project registers starts with this, so it cannot clash with other tfjs layers. */
export const CLASS_PREFIX = 'MlpBlocks>';
/** Key written into every block's saved config: the npm package whose import registers the class. */
export const PACKAGE_KEY = 'mlpBlocksPackage';

/** Options tfjs-layers itself reads from a layer's constructor arguments and writes into its config. */
const LAYER_OPTIONS = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'inputDType', 'weights', PACKAGE_KEY,
  // tfjs's deserializer adds this key to the config it passes to the constructor.
  'customObjects'] as const;

/**
 * Constructor arguments of every Block: the tfjs layer arguments, plus the providing package recorded in saved
 * configs.
 */
export type BlockArgs = LayerArgs & { [PACKAGE_KEY]?: string };

const nameCounters = new Map<string, number>();

/** `MlpBlocks>ResidualMlpBlock` → `residual_mlp_block_1`, `_2`, … (unique within the process). */
function defaultName(className: string): string {
  const base = className.replace(CLASS_PREFIX, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const n = (nameCounters.get(base) ?? 0) + 1;
  nameCounters.set(base, n);
  return `${base}_${n}`;
}

function layerArgs(args: BlockArgs | undefined): LayerArgs {
  const out: Record<string, unknown> = {};
  for (const key of LAYER_OPTIONS) {
    const value = args != null && typeof args === 'object' ? (args as Record<string, unknown>)[key] : undefined;
    if (key !== PACKAGE_KEY && key !== 'customObjects' && value !== undefined) out[key] = value;
  }
  return out as LayerArgs;
}

/**
 * Base class of every layer in mlp-blocks: a tfjs-layers `Layer` that owns sublayers and reports their
 * weights as its own. tfjs-layers does not do that for sublayers used inside a custom layer (tfjs issue
 * 8253), so without it `model.save` drops their weights and the optimizer never sees them.
 *
 * Subclasses: declare their options once with `defineOptions` and parse them in the constructor with
 * `this.parseOptions(SCHEMA, args)` (defaults filled, Keras-style ConfigErrors, and the parsed options become
 * the config); create sublayers with `own(...)`, build them in `build` with `buildOwned(child, shape)`, and call
 * them with `callOwned(child, x, kwargs)`. Override `blockConfig()` only to add state learnt at build time.
 */
export abstract class Block extends tfl.layers.Layer {
  /** The npm package whose entry registers this class; overridden by each package's blocks. */
  static packageName = '@mlp-blocks/core';

  private readonly ownedBlocks: Block[] = [];
  /** Weight-name prefix given by the owning block, so nested weights get unique, stable names. */
  private weightScope = '';
  /** The options parsed by `parseOptions`: what `blockConfig` returns unless overridden. */
  private parsed: object | null = null;

  constructor(args: BlockArgs = {}) {
    const la = layerArgs(args);
    // tfjs derives default names from className, and its '>' is not allowed in weight names.
    if (la.name == null) la.name = defaultName((new.target as unknown as { className: string }).className);
    super(la);
  }

  /** Class name without the registry prefix, used in error messages. */
  get blockName(): string {
    return this.getClassName().replace(CLASS_PREFIX, '');
  }

  /** Throws a ConfigError for any option the block does not know (typos fail loudly). */
  protected checkOptions(args: object, own: readonly string[]): void {
    knownOptions(this.blockName, args, [...own, ...LAYER_OPTIONS]);
  }

  /**
   * Parses the constructor's arguments against the block's options schema: tfjs layer arguments pass through,
   * unknown options and bad values are ConfigErrors naming this block, old names in `renames` are accepted with
   * a deprecation warning. The result (defaults filled) is also what `blockConfig` returns.
   */
  protected parseOptions<E extends OptionEntries>(schema: OptionsSchema<E>, args: unknown, renames?: Renames): OptionsOutput<E> {
    const out = parseOptions(this.blockName, schema, args, { passThrough: LAYER_OPTIONS, ...(renames ? { renames } : {}) });
    this.parsed = out;
    return out;
  }

  /**
   * The block's own options, plain JSON, such that `new Cls({...layerConfig, ...blockConfig()})` rebuilds it:
   * by default the options `parseOptions` returned.
   */
  protected blockConfig(): ConfigDict {
    if (this.parsed === null) throw new Error(`${this.blockName}: blockConfig() must be overridden by a block that does not use parseOptions`);
    return toConfig(this.parsed) as ConfigDict;
  }

  override getConfig(): ConfigDict {
    const cls = this.constructor as typeof Block;
    return { ...super.getConfig(), ...this.blockConfig(), [PACKAGE_KEY]: cls.packageName };
  }

  /** Registers a sublayer whose weights this block owns. Sublayer names must be unique within the block. */
  protected own<T extends Block>(child: T): T {
    if (this.ownedBlocks.some((c) => c.name === child.name)) {
      throw new Error(`${this.blockName}: two sublayers are named "${child.name}"; sublayer names must be unique within a block`);
    }
    this.ownedBlocks.push(child);
    return child;
  }

  /** The sublayers this block owns, in creation order. */
  get ownedLayers(): readonly Block[] {
    return this.ownedBlocks;
  }

  /**
   * Builds a sublayer so its weights are named `<this block>/<child>/<weight>`. With `inline`, the child adds no
   * level of its own: its sublayers' weights are named as if this block owned them (so a block that composes a
   * primitive such as `Mlp` keeps the weight names it had when it held the two dense layers itself).
   */
  protected buildOwned(child: Block, inputShape: Shape | Shape[], inline = false): void {
    if (inline) {
      const clash = child.ownedBlocks.find((c) => this.ownedBlocks.some((mine) => mine !== child && mine.name === c.name));
      if (clash) throw new Error(`${this.blockName}: the inlined ${child.blockName} has a sublayer named "${clash.name}", as this block does`);
    }
    child.weightScope = inline ? this.weightScope : `${this.weightScope}${child.name}/`;
    child.build(inputShape);
    child.built = true;
  }

  protected override addWeight(
    name: string,
    shape: Shape,
    dtype?: tf.DataType,
    initializer?: Initializer,
    regularizer?: Parameters<tfl.layers.Layer['addWeight']>[4],
    trainable?: boolean,
    constraint?: Parameters<tfl.layers.Layer['addWeight']>[6],
    getInitializerFunc?: Function,
  ): LayerVariable {
    return super.addWeight(this.weightScope + name, shape, dtype, initializer, regularizer, trainable, constraint, getInitializerFunc);
  }

  override get trainableWeights(): LayerVariable[] {
    if (!this.trainable) return [];
    return [...super.trainableWeights, ...this.ownedBlocks.flatMap((c) => c.trainableWeights)];
  }

  override set trainableWeights(weights: LayerVariable[]) {
    super.trainableWeights = weights;
  }

  override get nonTrainableWeights(): LayerVariable[] {
    const children = this.trainable
      ? this.ownedBlocks.flatMap((c) => c.nonTrainableWeights)
      : this.ownedBlocks.flatMap((c) => c.weights);
    return [...super.nonTrainableWeights, ...children];
  }

  override set nonTrainableWeights(weights: LayerVariable[]) {
    super.nonTrainableWeights = weights;
  }

  override setFastWeightInitDuringBuild(value: boolean): void {
    super.setFastWeightInitDuringBuild(value);
    for (const child of this.ownedBlocks) child.setFastWeightInitDuringBuild(value);
  }

  /**
   * Parameters a block holds outside its weights — e.g. a frozen matrix regenerated from a seed instead of
   * saved — counted as non-trainable by `paramCounts` and `countParams`. Sublayers are summed by the caller.
   */
  frozenParamCount(): number {
    return 0;
  }

  /** Trainable, non-trainable and total parameter counts, sublayers and frozen regenerated matrices included. */
  paramCounts(): ParamCounts {
    return countParams(this);
  }

  /** The training flag tfjs passes through kwargs (true inside `fit`, false in `predict`). */
  protected isTraining(kwargs: Kwargs | undefined): boolean {
    return kwargs?.['training'] === true;
  }

  /** Calls an owned sublayer on a tensor, passing the training flag through. */
  protected callOwned(child: Block, x: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    return child.call(x, kwargs) as tf.Tensor;
  }
}

/** Parameter counts of a layer or model: trainable, non-trainable and their sum. */
export interface ParamCounts {
  trainable: number;
  nonTrainable: number;
  total: number;
}

function countWeights(trainable: LayerVariable[], nonTrainable: LayerVariable[]): ParamCounts {
  const size = (ws: LayerVariable[]) => ws.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  const t = size(trainable);
  const n = size(nonTrainable);
  return { trainable: t, nonTrainable: n, total: t + n };
}

function frozenOutsideWeights(layer: unknown): number {
  if (layer instanceof Block) return layer.frozenParamCount() + layer.ownedLayers.reduce((n, c) => n + frozenOutsideWeights(c), 0);
  const inner = (layer as { layers?: unknown[] }).layers;
  return Array.isArray(inner) ? inner.reduce<number>((n, l) => n + frozenOutsideWeights(l), 0) : 0;
}

/**
 * Trainable / non-trainable / total parameter counts of any tfjs layer or model (tfjs's own `countParams`
 * gives only the total and misses matrices a block regenerates instead of storing).
 */
export function countParams(layer: { trainableWeights: LayerVariable[]; nonTrainableWeights: LayerVariable[] }): ParamCounts {
  const counts = countWeights(layer.trainableWeights, layer.nonTrainableWeights);
  const frozen = frozenOutsideWeights(layer);
  return { trainable: counts.trainable, nonTrainable: counts.nonTrainable + frozen, total: counts.total + frozen };
}
