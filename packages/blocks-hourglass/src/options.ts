import { ConfigError, type OptionsInput, type OptionsOutput, defineOptions, option, parseOptions, pickOptions } from '@mlp-blocks/core';
import { RESIDUAL_MLP_OPTIONS, RESIDUAL_MLP_RENAMES } from './residual-mlp-block.js';

/**
 * The ways a network lifts its input to the skip-path width: a fixed random projection, a trainable one, or none.
 */
export const LIFTS = ['fixed', 'trainable', 'identity'] as const;
/** One of LIFTS. */
export type LiftKind = (typeof LIFTS)[number];

// Options of both network shapes; the per-block ones come from the block's own schema, so each default exists once.
const COMMON = {
  inputDim: option.positiveInt('Input size d_in.'),
  outputDim: option.positiveInt('Output size d_out.'),
  depth: option.positiveInt('Number of residual blocks L.'),
  lift: option.withDefault(option.oneOf(LIFTS, "Input lift to the skip-path width: 'trainable' (the paper's main tables), 'fixed' (random, frozen, regenerated from seed) or 'identity'."), 'trainable'),
  seed: option.withDefault(option.seed('Seed of a fixed lift.'), 0),
  outputActivation: option.withDefault(option.activation("On the head's output ('sigmoid' for image targets in [0, 1])."), 'sigmoid'),
  name: option.optional(option.text('Model name.')),
  ...pickOptions(RESIDUAL_MLP_OPTIONS, ['norm', 'activation', 'useBias', 'dropPath', 'layerScale']),
};

/** The options of `hourglassMlp` (and of `{"model": "hourglass"}` specs): a wide skip path, narrow bottlenecks. */
export const HOURGLASS_OPTIONS = defineOptions({
  ...COMMON,
  width: option.positiveInt('Skip-path width d_z (wide).'),
  bottleneck: option.positiveIntOrList('Bottleneck d_h per block (narrow): one size, or a list of depth sizes.'),
});

/** The options of `conventionalMlp` (and of `{"model": "conventional"}` specs): a narrow skip path, wide blocks. */
export const CONVENTIONAL_OPTIONS = defineOptions({
  ...COMMON,
  hidden: option.positiveIntOrList('Expansion d_h per block: one size, or a list of depth sizes.'),
  width: option.optional(option.positiveInt("Skip-path width; defaults to inputDim (the paper's square trainable lift).")),
});

/** Options of `hourglassMlp` / `hourglassParams`. */
export type HourglassOptions = OptionsInput<typeof HOURGLASS_OPTIONS.entries> & { /** @deprecated Renamed `useBias`. */ bias?: boolean };
/** Options of `conventionalMlp` / `conventionalParams`. */
export type ConventionalOptions = OptionsInput<typeof CONVENTIONAL_OPTIONS.entries> & { /** @deprecated Renamed `useBias`. */ bias?: boolean };
type ParsedHourglass = OptionsOutput<typeof HOURGLASS_OPTIONS.entries>;
type ParsedConventional = OptionsOutput<typeof CONVENTIONAL_OPTIONS.entries>;

/** Resolved, validated form used by the builder and the parameter formula. */
export interface ResolvedNetwork extends Omit<ParsedHourglass, 'bottleneck' | 'depth'> {
  kind: 'hourglass' | 'conventional';
  /** d_h of every block (length = depth). */
  hidden: number[];
}

/**
 * A resolved network with its per-block sizes as given: one size for every block, or a list of depth sizes. The
 * closed-form count reads this, so a huge depth is counted without allocating a depth-long array.
 */
export interface NetworkShape extends Omit<ResolvedNetwork, 'hidden'> {
  depth: number;
  /** d_h of every block: one size, or the list (length = depth). */
  hidden: number | number[];
}

function shape(owner: string, kind: ResolvedNetwork['kind'], o: ParsedHourglass | ParsedConventional, width: number, hidden: number | number[]): NetworkShape {
  if (o.lift === 'identity' && width !== o.inputDim) {
    throw new ConfigError(owner, 'lift', 'not "identity" unless width equals inputDim', o.lift,
      `${owner}: lift "identity" needs width (${width}) equal to inputDim (${o.inputDim})`);
  }
  if (Array.isArray(hidden) && hidden.length !== o.depth) {
    throw new ConfigError(owner, kind === 'hourglass' ? 'bottleneck' : 'hidden', `one size or a list of depth (${o.depth}) sizes`, hidden);
  }
  const { bottleneck: _b, ...common } = o as ParsedHourglass;
  return { ...common, kind, width, hidden: Array.isArray(hidden) ? [...hidden] : hidden };
}

function resolve(s: NetworkShape): ResolvedNetwork {
  const { depth, hidden, ...rest } = s;
  return { ...rest, hidden: Array.isArray(hidden) ? hidden : Array.from({ length: depth }, () => hidden) };
}

/** Hourglass options checked and defaulted, per-block sizes as given (see NetworkShape). */
export function hourglassShape(options: HourglassOptions): NetworkShape {
  const owner = 'hourglassMlp';
  const o = parseOptions(owner, HOURGLASS_OPTIONS, options, { renames: RESIDUAL_MLP_RENAMES, passThrough: ['model'] });
  return shape(owner, 'hourglass', o, o.width, o.bottleneck);
}

/** Conventional-network options checked and defaulted, per-block sizes as given (see NetworkShape). */
export function conventionalShape(options: ConventionalOptions): NetworkShape {
  const owner = 'conventionalMlp';
  const o = parseOptions(owner, CONVENTIONAL_OPTIONS, options, { renames: RESIDUAL_MLP_RENAMES, passThrough: ['model'] });
  return shape(owner, 'conventional', o, o.width ?? o.inputDim, o.hidden);
}

/** Validates hourglass options and fills the defaults; throws a ConfigError naming the bad option. */
export function resolveHourglass(options: HourglassOptions): ResolvedNetwork {
  return resolve(hourglassShape(options));
}

/** Validates conventional-network options and fills the defaults; throws a ConfigError naming the bad option. */
export function resolveConventional(options: ConventionalOptions): ResolvedNetwork {
  return resolve(conventionalShape(options));
}
