import {
  ConfigError, type ModelSpec, type OptionsInput, type OptionsOutput, PATCH_EMBEDDING_OPTIONS, type Renames, applyRenames,
  defineOptions, findPreset, option, parseOptions, pickOptions, resolveSpec as resolveFamilySpec,
} from '@mlp-blocks/core';
import { GMLP_BLOCK_OPTIONS, evenChannelMlpDim } from './gmlp-block.js';
import type { PresetName } from './presets.js';
import { TOKEN_EMBEDDING_OPTIONS } from './token-embedding.js';

/** The two networks of the `gmlp` family, chosen by a spec's `kind`. */
export const GMLP_KINDS = ['classifier', 'sequence'] as const;
/** One of GMLP_KINDS. */
export type GmlpKind = (typeof GMLP_KINDS)[number];

// Options of both networks; the per-block ones come from the block's own schema, so each default exists once.
const COMMON = {
  embedDim: option.positiveInt("Token channels, the residual width (the paper's d_model, timm's embed_dim)."),
  depth: option.positiveInt('Number of gMLP blocks.'),
  channelMlpDim: option.optional(option.positiveInt("Width of each block's channel projection U (the paper's d_ffn); even. Default 6·embedDim (the paper's ImageNet models).")),
  ...pickOptions(GMLP_BLOCK_OPTIONS, ['tinyAttention', 'attentionDim', 'activation', 'gateActivation', 'dropPath']),
  name: option.optional(option.text('Model name.')),
};
const CLASSIFIER_ONLY = {
  imageSize: option.sizePair('Image size: one number for square images or [height, width].'),
  ...pickOptions(PATCH_EMBEDDING_OPTIONS, ['patchSize']),
  inputChannels: option.withDefault(option.positiveInt('Image channels.'), 3),
  numClasses: option.positiveInt('Number of classes (the logits per image).'),
};
const SEQUENCE_ONLY = {
  ...pickOptions(TOKEN_EMBEDDING_OPTIONS, ['vocabSize']),
  seqLen: option.positiveInt('Longest sequence: the n of the n × n spatial weights.'),
  outputDim: option.optional(option.positiveInt('Outputs per token. Default vocabSize (next-token logits).')),
  causal: option.withDefault(option.boolean('Token i sees only tokens ≤ i; the model then takes any length ≤ seqLen (language modelling).'), true),
};

/** The options of `gmlpClassifier`: patch embedding ▶ blocks ▶ LayerNorm ▶ mean over tokens ▶ linear head (logits). */
export const GMLP_CLASSIFIER_OPTIONS = defineOptions({ ...CLASSIFIER_ONLY, ...COMMON });
/** The options of `gmlpSequenceModel`: token embedding ▶ blocks ▶ LayerNorm ▶ per-token linear head. */
export const GMLP_SEQUENCE_OPTIONS = defineOptions({ ...SEQUENCE_ONLY, ...COMMON });
/**
 * Every option of a `{"model": "gmlp"}` spec: `kind` picks the network, then the classifier's or the sequence
 * model's options apply (the family's `parse` checks them against the chosen one).
 */
export const GMLP_OPTIONS = defineOptions({
  kind: option.withDefault(option.oneOf(GMLP_KINDS, "Which network: 'classifier' (images → logits; every preset is one) or 'sequence' (token ids → per-token outputs)."), 'classifier'),
  ...CLASSIFIER_ONLY,
  ...SEQUENCE_ONLY,
  ...COMMON,
});
const KIND_OPTIONS = defineOptions(pickOptions(GMLP_OPTIONS, ['kind']));

/** Names gMLP used before the one vocabulary (accepted until the next major release): the classifier's and specs'. */
export const GMLP_RENAMES = { dModel: 'embedDim', dFfn: 'channelMlpDim', channels: 'inputChannels' } as const;
/** The sequence model's old names (it never had `channels`). */
export const GMLP_SEQUENCE_RENAMES = { dModel: 'embedDim', dFfn: 'channelMlpDim' } as const;

/** Options shared by both builders. */
export type GmlpCommonOptions = Omit<OptionsInput<typeof GMLP_CLASSIFIER_OPTIONS.entries>, 'imageSize' | 'patchSize' | 'inputChannels' | 'numClasses'>;
/**
 * Options of `gmlpClassifier` (see GMLP_CLASSIFIER_OPTIONS), or a `preset` whose options these override
 * (`{ preset: 'gmlp_ti16', numClasses: 10 }`). The old names are still accepted (each warns once).
 */
export type GmlpClassifierOptions = {
  /** @deprecated Renamed `embedDim`; accepted until the next major release. */
  dModel?: number;
  /** @deprecated Renamed `channelMlpDim`; accepted until the next major release. */
  dFfn?: number;
  /** @deprecated Renamed `inputChannels`; accepted until the next major release. */
  channels?: number;
} & (
  | (OptionsInput<typeof GMLP_CLASSIFIER_OPTIONS.entries> & { preset?: undefined })
  | (Omit<OptionsInput<typeof GMLP_CLASSIFIER_OPTIONS.entries>, 'embedDim'> & { dModel: number; preset?: undefined })
  | (Partial<OptionsInput<typeof GMLP_CLASSIFIER_OPTIONS.entries>> & { preset: PresetName })
);
/** Options of `gmlpSequenceModel` (see GMLP_SEQUENCE_OPTIONS). The old names are still accepted (each warns once). */
export type GmlpSequenceOptions = {
  /** @deprecated Renamed `embedDim`; accepted until the next major release. */
  dModel?: number;
  /** @deprecated Renamed `channelMlpDim`; accepted until the next major release. */
  dFfn?: number;
} & (
  | OptionsInput<typeof GMLP_SEQUENCE_OPTIONS.entries>
  | (Omit<OptionsInput<typeof GMLP_SEQUENCE_OPTIONS.entries>, 'embedDim'> & { dModel: number })
);

interface ResolvedCommon extends Omit<OptionsOutput<typeof COMMON>, 'channelMlpDim'> {
  /** Filled in: 6·embedDim unless given; even. */
  channelMlpDim: number;
  /** Tokens of every block's spatial weights. */
  seqLen: number;
  causal: boolean;
}

/** Validated classifier options (`seqLen` = tokens of the patch grid, never causal). */
export interface ResolvedClassifier extends ResolvedCommon, OptionsOutput<typeof CLASSIFIER_ONLY> {
  kind: 'classifier';
}

/** Validated sequence-model options. */
export interface ResolvedSequence extends ResolvedCommon, Omit<OptionsOutput<typeof SEQUENCE_ONLY>, 'seqLen' | 'causal' | 'outputDim'> {
  kind: 'sequence';
  /** Filled in: vocabSize unless given. */
  outputDim: number;
}

/** Validated options, as the builders and the parameter formula use them (the family's parsed options). */
export type ResolvedGmlp = ResolvedClassifier | ResolvedSequence;

/** Option names `gmlpClassifier` accepts. */
export const CLASSIFIER_KEYS = Object.keys(GMLP_CLASSIFIER_OPTIONS.entries);
/** Option names `gmlpSequenceModel` accepts. */
export const SEQUENCE_KEYS = Object.keys(GMLP_SEQUENCE_OPTIONS.entries);
/** The classifier's own options (and the old name of one): a sequence spec given any of them is an error. */
const IMAGE_KEYS = [...Object.keys(CLASSIFIER_ONLY), 'channels'];
const CLASSIFIER_OWNER = 'gmlpClassifier';
const SEQUENCE_OWNER = 'gmlpSequenceModel';

function parseClassifier(raw: Record<string, unknown>, owner: string): ResolvedClassifier {
  const o = parseOptions(owner, GMLP_CLASSIFIER_OPTIONS, raw, { renames: GMLP_RENAMES });
  (['height', 'width'] as const).forEach((axis, i) => {
    if (o.imageSize[i]! % o.patchSize[i]! !== 0) {
      throw new ConfigError(owner, 'patchSize', 'a size that divides the image', raw['patchSize'],
        `${owner}: image ${axis} ${o.imageSize[i]} is not divisible by patch ${axis} ${o.patchSize[i]} (imageSize ${JSON.stringify(raw['imageSize'])}, patchSize ${JSON.stringify(raw['patchSize'])})`);
    }
  });
  const { channelMlpDim, ...rest } = o;
  return {
    kind: 'classifier',
    ...rest,
    channelMlpDim: evenChannelMlpDim(owner, channelMlpDim ?? 6 * o.embedDim),
    seqLen: (o.imageSize[0] / o.patchSize[0]) * (o.imageSize[1] / o.patchSize[1]),
    causal: false,
  };
}

function parseSequence(raw: Record<string, unknown>, owner: string): ResolvedSequence {
  const image = IMAGE_KEYS.filter((k) => raw[k] !== undefined);
  if (image.length > 0) {
    throw new ConfigError(owner, image[0]!, 'left out for kind "sequence"', raw[image[0]!],
      `${owner}: kind "sequence" takes no image options, received ${image.join(', ')} (the presets are image classifiers: "preset" cannot be combined with kind "sequence")`);
  }
  const o = parseOptions(owner, GMLP_SEQUENCE_OPTIONS, raw, { renames: GMLP_SEQUENCE_RENAMES });
  const { channelMlpDim, outputDim, ...rest } = o;
  return {
    kind: 'sequence',
    ...rest,
    channelMlpDim: evenChannelMlpDim(owner, channelMlpDim ?? 6 * o.embedDim),
    outputDim: outputDim ?? o.vocabSize,
  };
}

/**
 * The `gmlp` family's parser (its descriptor's `parse`): a spec's options, a preset's already merged in, checked
 * against the classifier's options (kind "classifier", the default) or the sequence model's (kind "sequence"),
 * old names renamed with a warning, defaults and the cross-option checks applied (the patch divides the image,
 * channelMlpDim is even).
 */
export function resolveGmlp(options: Record<string, unknown>, owner = CLASSIFIER_OWNER): ResolvedGmlp {
  const { kind: given, ...rest } = options;
  const { kind } = parseOptions('gmlp spec', KIND_OPTIONS, { kind: given });
  return kind === 'sequence' ? parseSequence(rest, SEQUENCE_OWNER) : parseClassifier(rest, owner);
}

/** A builder's options as a `gmlp` spec of the given kind: old names renamed here, so they may override a preset's. */
function builderSpec(owner: string, kind: GmlpKind, options: unknown, renames: Renames): ModelSpec {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(owner, 'options', 'an object of options', options);
  }
  const { model: _model, kind: given, ...rest } = applyRenames(owner, options as Record<string, unknown>, renames);
  if (given !== undefined && given !== kind) {
    throw new ConfigError(owner, 'kind', `"${kind}" or left out (${owner} builds the ${kind === 'classifier' ? 'image classifier' : 'sequence model'})`, given);
  }
  return { ...rest, kind, model: 'gmlp' };
}

/** The spec `gmlpClassifier(options)` builds. */
export function classifierSpec(options: GmlpClassifierOptions): ModelSpec {
  return builderSpec(CLASSIFIER_OWNER, 'classifier', options, GMLP_RENAMES);
}

/** The spec `gmlpSequenceModel(options)` builds. */
export function sequenceSpec(options: GmlpSequenceOptions): ModelSpec {
  return builderSpec(SEQUENCE_OWNER, 'sequence', options, GMLP_SEQUENCE_RENAMES);
}

/** Validates classifier options (a `preset` and old names included); ConfigErrors name the option and value. */
export function resolveClassifier(options: GmlpClassifierOptions): ResolvedClassifier {
  return resolveFamilySpec(classifierSpec(options)).options as unknown as ResolvedClassifier;
}

/** Validates sequence-model options (old names included); ConfigErrors name the option and value. */
export function resolveSequence(options: GmlpSequenceOptions): ResolvedSequence {
  return resolveFamilySpec(sequenceSpec(options)).options as unknown as ResolvedSequence;
}

/**
 * A `gmlp` JSON spec's validated options: `{"preset": "gmlp_ti16"}` (other keys override it), explicit classifier
 * options, or `{"kind": "sequence", ...}` for the sequence model. `model` may name the family or one of its presets.
 * Same as core's `resolveSpec(spec).options`.
 */
export function resolveSpec(spec: Record<string, unknown>): ResolvedGmlp {
  const model = typeof spec['model'] === 'string' && findPreset(spec['model'])?.family === 'gmlp' ? spec['model'] : 'gmlp';
  return resolveFamilySpec({ ...spec, model }).options as unknown as ResolvedGmlp;
}
