import { type ActivationName, ConfigError, getActivation, validate } from '@mlp-blocks/core';
import { type ClassifierPreset, MIXER_PRESETS, type MixerPresetName, RESMLP_PRESETS, type ResMlpPresetName } from './presets.js';
import { resMlpLayerScale } from './resmlp-block.js';
import { TS_NORMS, type TsNormKind } from './tsmixer-block.js';
import { hiddenWidth, widthOrRatio } from './widths.js';

/** Options shared by the Mixer and ResMLP image classifiers. */
interface ClassifierOptions {
  /** Image size the model is built for: one number or [height, width]. Non-square images are fine. */
  imageSize?: number | [number, number];
  /** Patch size: one number or [height, width]; must divide the image size. */
  patchSize?: number | [number, number];
  /** Input image channels. Default 3. */
  inputChannels?: number;
  /** Token channels C. */
  hiddenDim?: number;
  /** Number of blocks. */
  depth?: number;
  numClasses?: number;
  /** Channel-mixing hidden width D_C, or `channelMlpRatio` (× C, default 4). */
  channelMlpDim?: number;
  channelMlpRatio?: number;
  /** Default 'gelu'. */
  activation?: ActivationName;
  /** Default 0. */
  dropout?: number;
  /** Stochastic depth, the same rate in every block. Default 0. */
  dropPath?: number;
  name?: string;
}

/** Options of `mixerClassifier` / `mixerParams`: a preset and the settings that override it. */
export interface MixerClassifierOptions extends ClassifierOptions {
  /** 'mixer_s16', 'mixer_b16' or 'mixer_nano'; the other options override it. */
  preset?: MixerPresetName;
  /** Token-mixing hidden width D_S, or `tokenMlpRatio` (× C, default 0.5). */
  tokenMlpDim?: number;
  tokenMlpRatio?: number;
  /** LayerNorm epsilon. Default 1e-6. */
  epsilon?: number;
  /** Initial LayerScale on every branch, or 0 for none (default, as the paper). */
  layerScale?: number;
}

/** Options of `resMlpClassifier` / `resMlpParams`: a preset and the settings that override it. */
export interface ResMlpClassifierOptions extends ClassifierOptions {
  /** 'resmlp_12' or 'resmlp_24'; the other options override it. */
  preset?: ResMlpPresetName;
  /** Initial LayerScale. Default `resMlpLayerScale(depth)`: 0.1 up to depth 18, 1e-5 to 24, 1e-6 beyond. */
  layerScale?: number;
}

/** Validated classifier settings, hidden widths resolved to numbers. */
export interface ResolvedClassifier {
  kind: 'mixer' | 'resmlp';
  imageSize: [number, number];
  patchSize: [number, number];
  inputChannels: number;
  hiddenDim: number;
  depth: number;
  numClasses: number;
  /** n = (height / patch height) · (width / patch width). */
  tokens: number;
  /** D_S (Mixer only; 0 for ResMLP, whose token mixing is one n × n linear). */
  tokenMlpDim: number;
  channelMlpDim: number;
  activation: ActivationName;
  dropout: number;
  dropPath: number;
  /** 0 for none. */
  layerScale: number;
  epsilon: number;
  name: string | undefined;
}

const COMMON_KEYS = ['imageSize', 'patchSize', 'inputChannels', 'hiddenDim', 'depth', 'numClasses', 'channelMlpDim', 'channelMlpRatio',
  'activation', 'dropout', 'dropPath', 'name', 'preset'];
export const MIXER_KEYS = [...COMMON_KEYS, 'tokenMlpDim', 'tokenMlpRatio', 'epsilon', 'layerScale'];
export const RESMLP_KEYS = [...COMMON_KEYS, 'layerScale'];

function required<T>(owner: string, option: string, value: T | undefined): T {
  if (value === undefined || value === null) throw new ConfigError(owner, option, 'given (or a "preset")', value, `${owner}: option "${option}" is required unless a "preset" gives it`);
  return value;
}

function presetOf<P extends Record<string, ClassifierPreset>>(owner: string, presets: P, name: unknown): ClassifierPreset | null {
  if (name === undefined || name === null) return null;
  return presets[validate.oneOf(owner, 'preset', name, Object.keys(presets) as (keyof P & string)[])]!;
}

/** The preset's width unless the caller gave either the width or the ratio. */
function presetWidth(dim: number | undefined, ratio: number | undefined, presetDim: number | undefined): number | undefined {
  return dim === undefined && ratio === undefined ? presetDim : dim;
}

function common(owner: string, o: ClassifierOptions, preset: ClassifierPreset | null) {
  const imageSize = validate.pair(owner, 'imageSize', required(owner, 'imageSize', o.imageSize ?? preset?.imageSize));
  const patchSize = validate.pair(owner, 'patchSize', required(owner, 'patchSize', o.patchSize ?? preset?.patchSize));
  const [[h, w], [ph, pw]] = [imageSize, patchSize];
  if (h % ph !== 0 || w % pw !== 0) {
    throw new ConfigError(owner, 'patchSize', `a divisor of imageSize ${h}×${w}`, o.patchSize ?? patchSize,
      `${owner}: option "patchSize" must divide the image size ${h}×${w}, received ${ph}×${pw}`);
  }
  const hiddenDim = validate.positiveInt(owner, 'hiddenDim', required(owner, 'hiddenDim', o.hiddenDim ?? preset?.hiddenDim));
  const channel = widthOrRatio(owner, 'channelMlpDim', 'channelMlpRatio', presetWidth(o.channelMlpDim, o.channelMlpRatio, preset?.channelMlpDim), o.channelMlpRatio, 4);
  const activation = o.activation ?? 'gelu';
  getActivation(activation, owner);
  return {
    imageSize,
    patchSize,
    inputChannels: validate.positiveInt(owner, 'inputChannels', o.inputChannels ?? 3),
    hiddenDim,
    depth: validate.positiveInt(owner, 'depth', required(owner, 'depth', o.depth ?? preset?.depth)),
    numClasses: validate.positiveInt(owner, 'numClasses', required(owner, 'numClasses', o.numClasses ?? preset?.numClasses)),
    tokens: (h / ph) * (w / pw),
    channelMlpDim: channel.dim ?? hiddenWidth(owner, 'channelMlpRatio', channel.ratio, hiddenDim),
    activation,
    dropout: validate.rate(owner, 'dropout', o.dropout ?? 0),
    dropPath: validate.rate(owner, 'dropPath', o.dropPath ?? 0),
    name: o.name,
  };
}

/**
 * Validates MLP-Mixer classifier options against their preset and fills the defaults; throws a ConfigError naming
 * the bad option.
 */
export function resolveMixer(o: MixerClassifierOptions): ResolvedClassifier {
  const owner = 'mixerClassifier';
  validate.knownOptions(owner, o, [...MIXER_KEYS, 'model']);
  const preset = presetOf(owner, MIXER_PRESETS, o.preset);
  const c = common(owner, o, preset);
  const token = widthOrRatio(owner, 'tokenMlpDim', 'tokenMlpRatio', presetWidth(o.tokenMlpDim, o.tokenMlpRatio, preset?.tokenMlpDim), o.tokenMlpRatio, 0.5);
  return {
    kind: 'mixer',
    ...c,
    tokenMlpDim: token.dim ?? hiddenWidth(owner, 'tokenMlpRatio', token.ratio, c.hiddenDim),
    layerScale: o.layerScale === undefined || o.layerScale === 0 ? 0 : validate.positiveNumber(owner, 'layerScale', o.layerScale),
    epsilon: validate.positiveNumber(owner, 'epsilon', o.epsilon ?? 1e-6),
  };
}

/**
 * Validates ResMLP classifier options against their preset and fills the defaults; throws a ConfigError naming the
 * bad option.
 */
export function resolveResMlp(o: ResMlpClassifierOptions): ResolvedClassifier {
  const owner = 'resMlpClassifier';
  validate.knownOptions(owner, o, [...RESMLP_KEYS, 'model']);
  const preset = presetOf(owner, RESMLP_PRESETS, o.preset);
  const c = common(owner, o, preset);
  return {
    kind: 'resmlp',
    ...c,
    tokenMlpDim: 0,
    layerScale: o.layerScale === undefined ? resMlpLayerScale(c.depth) : validate.positiveNumber(owner, 'layerScale', o.layerScale),
    epsilon: 0,
  };
}

/** Options of `tsMixerForecaster` / `tsMixerParams`. */
export interface TsMixerForecasterOptions {
  /** Input window length T. */
  inputLength: number;
  /** Number of variables C in each time step (inputs and forecasts). */
  features: number;
  /** Forecast length H. */
  horizon: number;
  /** Number of TSMixer blocks. Default 2 (the authors' default). */
  depth?: number;
  /** Feature-mixing hidden width. Default 64. */
  ffDim?: number;
  /** 'batch' (default), 'layer' or 'none'. */
  norm?: TsNormKind;
  /** Default 1e-3. */
  epsilon?: number;
  /** Batch-norm momentum, PyTorch convention. Default 0.01. */
  momentum?: number;
  /** Default 'relu'. */
  activation?: ActivationName;
  /** Default 0.05. */
  dropout?: number;
  name?: string;
}

/** Validated forecaster settings with every default filled in. */
export type ResolvedForecaster = Required<Omit<TsMixerForecasterOptions, 'name'>> & { name: string | undefined };
export const TSMIXER_KEYS = ['inputLength', 'features', 'horizon', 'depth', 'ffDim', 'norm', 'epsilon', 'momentum', 'activation', 'dropout', 'name'];

/** Validates TSMixer forecaster options and fills the defaults; throws a ConfigError naming the bad option. */
export function resolveTsMixer(o: TsMixerForecasterOptions): ResolvedForecaster {
  const owner = 'tsMixerForecaster';
  validate.knownOptions(owner, o, [...TSMIXER_KEYS, 'model']);
  const activation = o.activation ?? 'relu';
  getActivation(activation, owner);
  return {
    inputLength: validate.positiveInt(owner, 'inputLength', o.inputLength),
    features: validate.positiveInt(owner, 'features', o.features),
    horizon: validate.positiveInt(owner, 'horizon', o.horizon),
    depth: validate.positiveInt(owner, 'depth', o.depth ?? 2),
    ffDim: validate.positiveInt(owner, 'ffDim', o.ffDim ?? 64),
    norm: validate.oneOf(owner, 'norm', o.norm ?? 'batch', TS_NORMS),
    epsilon: validate.positiveNumber(owner, 'epsilon', o.epsilon ?? 1e-3),
    momentum: validate.rate(owner, 'momentum', o.momentum ?? 0.01),
    activation,
    dropout: validate.rate(owner, 'dropout', o.dropout ?? 0.05),
    name: o.name,
  };
}
