import { type ActivationName, ConfigError, NORMS, type NormKind, validate } from '@mlp-blocks/core';

/**
 * The ways a network lifts its input to the skip-path width: a fixed random projection, a trainable one, or none.
 */
export const LIFTS = ['fixed', 'trainable', 'identity'] as const;
/** One of LIFTS. */
export type LiftKind = (typeof LIFTS)[number];

/** Options shared by both network shapes (the authors' preset is the default for each). */
export interface CommonNetworkOptions {
  inputDim: number;
  outputDim: number;
  depth: number;
  /** 'fixed' (random, frozen, regenerated from `seed`), 'trainable' or 'identity'. */
  lift?: LiftKind;
  /** Seed of a fixed lift. Default 0. */
  seed?: number;
  /** Default 'sigmoid' (image targets in [0, 1]). */
  outputActivation?: ActivationName;
  /** Default 'batch' (without affine). */
  norm?: NormKind;
  /** Default 'relu'. */
  activation?: ActivationName;
  /** Biases on the block projections. Default false. */
  bias?: boolean;
  dropPath?: number;
  layerScale?: number;
  name?: string;
}

/** Options of `hourglassMlp` / `hourglassParams`: a wide skip path with narrow bottleneck blocks. */
export interface HourglassOptions extends CommonNetworkOptions {
  /** Skip-path width d_z (wide). */
  width: number;
  /** Bottleneck d_h per block (narrow): one size, or a list of `depth` sizes. */
  bottleneck: number | number[];
}

/**
 * Options of `conventionalMlp` / `conventionalParams`: a narrow skip path with wide (inverted-bottleneck) blocks.
 */
export interface ConventionalOptions extends CommonNetworkOptions {
  /** Expansion d_h per block: one size, or a list of `depth` sizes. */
  hidden: number | number[];
  /** Skip-path width; defaults to inputDim (the square trainable lift of the paper's baseline). */
  width?: number;
}

/** Resolved, validated form used by the builder and the parameter formula. */
export interface ResolvedNetwork {
  kind: 'hourglass' | 'conventional';
  inputDim: number;
  outputDim: number;
  width: number;
  hidden: number[];
  lift: LiftKind;
  seed: number;
  outputActivation: ActivationName;
  norm: NormKind;
  activation: ActivationName;
  bias: boolean;
  dropPath: number;
  layerScale: number;
  name: string | undefined;
}

const COMMON = ['inputDim', 'outputDim', 'depth', 'lift', 'seed', 'outputActivation', 'norm', 'activation', 'bias', 'dropPath', 'layerScale', 'name'];
export const HOURGLASS_KEYS = [...COMMON, 'width', 'bottleneck'];
export const CONVENTIONAL_KEYS = [...COMMON, 'hidden', 'width'];

function perBlock(owner: string, option: string, value: unknown, depth: number): number[] {
  const v = validate.positiveIntOrList(owner, option, value);
  if (Array.isArray(v)) {
    if (v.length !== depth) throw new ConfigError(owner, option, `one size or a list of depth (${depth}) sizes`, value);
    return v;
  }
  return Array.from({ length: depth }, () => v);
}

function common(owner: string, o: CommonNetworkOptions, width: number): Omit<ResolvedNetwork, 'kind' | 'hidden' | 'width'> & { width: number } {
  const inputDim = validate.positiveInt(owner, 'inputDim', o.inputDim);
  const lift = validate.oneOf(owner, 'lift', o.lift ?? 'trainable', LIFTS);
  if (lift === 'identity' && width !== inputDim) {
    throw new ConfigError(owner, 'lift', 'not "identity" unless width equals inputDim', lift,
      `${owner}: lift "identity" needs width (${width}) equal to inputDim (${inputDim})`);
  }
  return {
    inputDim,
    outputDim: validate.positiveInt(owner, 'outputDim', o.outputDim),
    width,
    lift,
    seed: validate.seed32(owner, 'seed', o.seed ?? 0),
    outputActivation: o.outputActivation ?? 'sigmoid',
    norm: validate.oneOf(owner, 'norm', o.norm ?? 'batch', NORMS),
    activation: o.activation ?? 'relu',
    bias: validate.boolean(owner, 'bias', o.bias ?? false),
    dropPath: validate.rate(owner, 'dropPath', o.dropPath ?? 0),
    layerScale: o.layerScale === undefined || o.layerScale === 0 ? 0 : validate.positiveNumber(owner, 'layerScale', o.layerScale),
    name: o.name,
  };
}

/** Validates hourglass options and fills the defaults; throws a ConfigError naming the bad option. */
export function resolveHourglass(o: HourglassOptions): ResolvedNetwork {
  const owner = 'hourglassMlp';
  validate.knownOptions(owner, o, [...HOURGLASS_KEYS, 'model']);
  const depth = validate.positiveInt(owner, 'depth', o.depth);
  const width = validate.positiveInt(owner, 'width', o.width);
  return { kind: 'hourglass', ...common(owner, o, width), hidden: perBlock(owner, 'bottleneck', o.bottleneck, depth) };
}

/** Validates conventional-network options and fills the defaults; throws a ConfigError naming the bad option. */
export function resolveConventional(o: ConventionalOptions): ResolvedNetwork {
  const owner = 'conventionalMlp';
  validate.knownOptions(owner, o, [...CONVENTIONAL_KEYS, 'model']);
  const depth = validate.positiveInt(owner, 'depth', o.depth);
  const width = o.width === undefined ? validate.positiveInt(owner, 'inputDim', o.inputDim) : validate.positiveInt(owner, 'width', o.width);
  return { kind: 'conventional', ...common(owner, o, width), hidden: perBlock(owner, 'hidden', o.hidden, depth) };
}
