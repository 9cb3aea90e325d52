import {
  type ActivationName, type ModelSpec, type OptionsInput, type OptionsOutput, type Renames, applyRenames, defineOptions, option, parseOptions,
  pickOptions, resolveSpec,
} from '@mlp-blocks/core';
import { MIXER_BLOCK_OPTIONS } from './mixer-block.js';
import { PATCH_STEM_OPTIONS, checkPatchDividesImage } from './patch-stem.js';
import type { MixerPresetName, ResMlpPresetName } from './presets.js';
import { RESMLP_BLOCK_OPTIONS, resMlpLayerScale } from './resmlp-block.js';
import { TEMPORAL_PROJECTION_OPTIONS } from './temporal-projection.js';
import { TSMIXER_BLOCK_OPTIONS } from './tsmixer-block.js';
import { checkWidthOrRatio, hiddenWidth } from './widths.js';

// Options of both image classifiers: the stem's, the sizes, and the model name. The per-block options come from
// the blocks' own schemas, so each default exists once.
const CLASSIFIER = {
  ...pickOptions(PATCH_STEM_OPTIONS, ['imageSize', 'patchSize']),
  inputChannels: option.withDefault(option.positiveInt('Channels of the input images.'), 3),
  embedDim: option.positiveInt("Token channels C, the residual width (timm's embed_dim)."),
  depth: option.positiveInt('Number of blocks L.'),
  numClasses: option.positiveInt('Number of classes K (the logits).'),
};
const NAME = { name: option.optional(option.text('Model name.')) };

/** The options of `mixerClassifier` (and of `{"model": "mixer"}` specs), each declared once. */
export const MIXER_CLASSIFIER_OPTIONS = defineOptions({
  ...CLASSIFIER,
  ...pickOptions(MIXER_BLOCK_OPTIONS, [
    'tokenMlpDim', 'tokenMlpRatio', 'channelMlpDim', 'channelMlpRatio', 'activation', 'epsilon', 'dropout', 'dropPath', 'layerScale',
  ]),
  ...NAME,
});

/** The options of `resMlpClassifier` (and of `{"model": "resmlp"}` specs), each declared once. */
export const RESMLP_CLASSIFIER_OPTIONS = defineOptions({
  ...CLASSIFIER,
  ...pickOptions(RESMLP_BLOCK_OPTIONS, ['channelMlpDim', 'channelMlpRatio', 'activation', 'dropout', 'dropPath']),
  layerScale: option.optional(option.positiveNumber(
    'Initial LayerScale of every block; left out, resMlpLayerScale(depth): 0.1 up to depth 18, 1e-5 up to 24, 1e-6 beyond (ResMLP / CaiT).')),
  ...NAME,
});

/** The options of `tsMixerForecaster` (and of `{"model": "tsmixer"}` specs), each declared once. */
export const TSMIXER_FORECASTER_OPTIONS = defineOptions({
  seqLen: option.positiveInt("Input window length T (the authors' seq_len)."),
  features: option.positiveInt('Variables C in each time step (inputs and forecasts).'),
  ...pickOptions(TEMPORAL_PROJECTION_OPTIONS, ['horizon']),
  depth: option.withDefault(option.positiveInt("Number of TSMixer blocks (the authors' n_block)."), 2),
  ...pickOptions(TSMIXER_BLOCK_OPTIONS, ['channelMlpDim', 'norm', 'epsilon', 'momentum', 'activation', 'dropout']),
  ...NAME,
});

/** Names the Mixer classifier took before the one vocabulary (accepted, with a warning, until the next major release). */
export const MIXER_CLASSIFIER_RENAMES = { hiddenDim: 'embedDim' } as const;
/** Names the ResMLP classifier took before the one vocabulary (accepted, with a warning, until the next major release). */
export const RESMLP_CLASSIFIER_RENAMES = { hiddenDim: 'embedDim' } as const;
/** Names the TSMixer forecaster took before the one vocabulary (accepted, with a warning, until the next major release). */
export const TSMIXER_FORECASTER_RENAMES = { inputLength: 'seqLen', ffDim: 'channelMlpDim' } as const;

/** Parsed `mixerClassifier` options (defaults filled). */
export type MixerClassifierParsed = OptionsOutput<typeof MIXER_CLASSIFIER_OPTIONS.entries>;
/** Parsed `resMlpClassifier` options (defaults filled; `layerScale` left out means resMlpLayerScale(depth)). */
export type ResMlpClassifierParsed = OptionsOutput<typeof RESMLP_CLASSIFIER_OPTIONS.entries>;

/**
 * Options of `mixerClassifier` / `mixerParams`: a `preset` and the options that override it (without a preset,
 * `imageSize`, `patchSize`, `embedDim`, `depth` and `numClasses` are required).
 */
export type MixerClassifierOptions = Partial<OptionsInput<typeof MIXER_CLASSIFIER_OPTIONS.entries>> & {
  /** 'mixer_s16', 'mixer_b16' or 'mixer_nano'; the other options override it. */
  preset?: MixerPresetName;
  /** @deprecated Renamed `embedDim`; accepted until the next major release. */
  hiddenDim?: number;
};

/**
 * Options of `resMlpClassifier` / `resMlpParams`: a `preset` and the options that override it (without a preset,
 * `imageSize`, `patchSize`, `embedDim`, `depth` and `numClasses` are required).
 */
export type ResMlpClassifierOptions = Partial<OptionsInput<typeof RESMLP_CLASSIFIER_OPTIONS.entries>> & {
  /** 'resmlp_12' or 'resmlp_24'; the other options override it. */
  preset?: ResMlpPresetName;
  /** @deprecated Renamed `embedDim`; accepted until the next major release. */
  hiddenDim?: number;
};

/** Options of `tsMixerForecaster` / `tsMixerParams`. */
export type TsMixerForecasterOptions = Omit<OptionsInput<typeof TSMIXER_FORECASTER_OPTIONS.entries>, 'seqLen'> & (
  | { seqLen: number; inputLength?: undefined }
  | {
    /** @deprecated Renamed `seqLen`; accepted until the next major release. */
    inputLength: number;
    seqLen?: undefined;
  }
) & {
  /** @deprecated Renamed `channelMlpDim`; accepted until the next major release. */
  ffDim?: number;
};

/** What both classifiers resolve to: validated sizes, hidden widths as numbers. */
interface ClassifierBase {
  imageSize: [number, number];
  patchSize: [number, number];
  inputChannels: number;
  embedDim: number;
  depth: number;
  numClasses: number;
  /** Token count n = (height / patch height) · (width / patch width). */
  seqLen: number;
  channelMlpDim: number;
  activation: ActivationName;
  dropout: number;
  dropPath: number;
  name: string | undefined;
}

/** A validated MLP-Mixer classifier. */
export interface ResolvedMixer extends ClassifierBase {
  kind: 'mixer';
  /** D_S. */
  tokenMlpDim: number;
  epsilon: number;
  /** 0 for none. */
  layerScale: number;
}

/** A validated ResMLP classifier (token mixing is one n × n linear; LayerScale is always on). */
export interface ResolvedResMlp extends ClassifierBase {
  kind: 'resmlp';
  layerScale: number;
}

/** Validated classifier settings, hidden widths resolved to numbers. */
export type ResolvedClassifier = ResolvedMixer | ResolvedResMlp;

/** Validated forecaster settings with every default filled in. */
export type ResolvedForecaster = OptionsOutput<typeof TSMIXER_FORECASTER_OPTIONS.entries>;

/** The checks between options that no single option's schema can make (on the options as written, and as parsed). */
function checkClassifier(owner: string, raw: Record<string, unknown>, o: MixerClassifierParsed | ResMlpClassifierParsed): void {
  checkWidthOrRatio(owner, raw, 'channelMlpDim', 'channelMlpRatio');
  checkPatchDividesImage(owner, o.imageSize, o.patchSize, raw['patchSize']);
}

/** Parses a Mixer spec's options (a preset's already merged in): schema, renames, then the cross-option checks. */
export function parseMixerOptions(raw: Record<string, unknown>, owner = 'mixerClassifier'): MixerClassifierParsed {
  const o = parseOptions(owner, MIXER_CLASSIFIER_OPTIONS, raw, { renames: MIXER_CLASSIFIER_RENAMES });
  checkWidthOrRatio(owner, raw, 'tokenMlpDim', 'tokenMlpRatio');
  checkClassifier(owner, raw, o);
  return o;
}

/** Parses a ResMLP spec's options (a preset's already merged in): schema, renames, then the cross-option checks. */
export function parseResMlpOptions(raw: Record<string, unknown>, owner = 'resMlpClassifier'): ResMlpClassifierParsed {
  const o = parseOptions(owner, RESMLP_CLASSIFIER_OPTIONS, raw, { renames: RESMLP_CLASSIFIER_RENAMES });
  checkClassifier(owner, raw, o);
  return o;
}

function classifierBase(owner: string, o: MixerClassifierParsed | ResMlpClassifierParsed): ClassifierBase {
  const [[h, w], [ph, pw]] = [o.imageSize, o.patchSize];
  return {
    imageSize: o.imageSize,
    patchSize: o.patchSize,
    inputChannels: o.inputChannels,
    embedDim: o.embedDim,
    depth: o.depth,
    numClasses: o.numClasses,
    seqLen: (h / ph) * (w / pw),
    channelMlpDim: o.channelMlpDim ?? hiddenWidth(owner, 'channelMlpRatio', o.channelMlpRatio, o.embedDim),
    activation: o.activation,
    dropout: o.dropout,
    dropPath: o.dropPath,
    name: o.name ?? undefined,
  };
}

/** The Mixer classifier of parsed options: token count and hidden widths resolved. */
export function mixerFromOptions(o: MixerClassifierParsed, owner = 'mixerClassifier'): ResolvedMixer {
  return {
    kind: 'mixer',
    ...classifierBase(owner, o),
    tokenMlpDim: o.tokenMlpDim ?? hiddenWidth(owner, 'tokenMlpRatio', o.tokenMlpRatio, o.embedDim),
    epsilon: o.epsilon,
    layerScale: o.layerScale,
  };
}

/** The ResMLP classifier of parsed options: token count, hidden width and LayerScale resolved. */
export function resMlpFromOptions(o: ResMlpClassifierParsed, owner = 'resMlpClassifier'): ResolvedResMlp {
  return { kind: 'resmlp', ...classifierBase(owner, o), layerScale: o.layerScale ?? resMlpLayerScale(o.depth) };
}

const FAMILIES: Record<'mixer' | 'resmlp' | 'tsmixer', { owner: string; renames: Renames }> = {
  mixer: { owner: 'mixerClassifier', renames: MIXER_CLASSIFIER_RENAMES },
  resmlp: { owner: 'resMlpClassifier', renames: RESMLP_CLASSIFIER_RENAMES },
  tsmixer: { owner: 'tsMixerForecaster', renames: TSMIXER_FORECASTER_RENAMES },
};

/**
 * The spec a builder's options stand for. Old names are renamed here, before core merges a preset under them: a
 * preset sets the new names (`embedDim`), and the caller's old one (`hiddenDim`) must override it, not clash with it.
 */
export function builderSpec(model: keyof typeof FAMILIES, options: unknown): ModelSpec {
  const { owner, renames } = FAMILIES[model];
  const own = options != null && typeof options === 'object' && !Array.isArray(options)
    ? applyRenames(owner, options as Record<string, unknown>, renames) : {};
  return { ...own, model };
}

/**
 * Validates MLP-Mixer classifier options (a `preset` first, the other options on top) and fills the defaults;
 * throws a ConfigError naming the bad option.
 */
export function resolveMixer(options: MixerClassifierOptions): ResolvedMixer {
  return mixerFromOptions(resolveSpec(builderSpec('mixer', options)).options as MixerClassifierParsed);
}

/**
 * Validates ResMLP classifier options (a `preset` first, the other options on top) and fills the defaults; throws
 * a ConfigError naming the bad option.
 */
export function resolveResMlp(options: ResMlpClassifierOptions): ResolvedResMlp {
  return resMlpFromOptions(resolveSpec(builderSpec('resmlp', options)).options as ResMlpClassifierParsed);
}

/** Validates TSMixer forecaster options and fills the defaults; throws a ConfigError naming the bad option. */
export function resolveTsMixer(options: TsMixerForecasterOptions): ResolvedForecaster {
  return resolveSpec(builderSpec('tsmixer', options)).options as ResolvedForecaster;
}
