import { type ActivationName, ConfigError, getActivation, validate } from '@mlp-blocks/core';
import { evenFfn } from './gmlp-block.js';
import { PRESETS, PRESET_NAMES, type PresetName } from './presets.js';

/** Options shared by both builders. */
export interface GmlpCommonOptions {
  /** Token channels d_model. */
  dModel: number;
  /** Number of gMLP blocks. */
  depth: number;
  /** Channel expansion d_ffn (even). Default 6·dModel (the paper's ImageNet models). */
  dFfn?: number;
  /** aMLP: tiny attention in every block. Default false. */
  tinyAttention?: boolean;
  /** Inner size of the tiny attention. Default 64. */
  attentionDim?: number;
  /** Default 'gelu'. */
  activation?: ActivationName;
  /** Default 'linear'. */
  gateActivation?: ActivationName;
  /** Stochastic-depth rate of every block (as timm: the same for all). Default 0. */
  dropPath?: number;
  /** Model name. */
  name?: string;
}

/** Image classifier: patch embedding ▶ blocks ▶ LayerNorm ▶ mean over tokens ▶ linear head (logits). */
export interface GmlpClassifierOptions extends GmlpCommonOptions {
  /** Square size or [height, width]. */
  imageSize: number | [number, number];
  /** Square patch or [height, width]; must divide the image. */
  patchSize: number | [number, number];
  /** Image channels. Default 3. */
  channels?: number;
  numClasses: number;
}

/** Sequence model: token embedding ▶ blocks ▶ LayerNorm ▶ per-token linear head. */
export interface GmlpSequenceOptions extends GmlpCommonOptions {
  vocabSize: number;
  /** Longest sequence: the size of the spatial weights. */
  seqLen: number;
  /** Per-token outputs. Default vocabSize (next-token logits). */
  outputDim?: number;
  /** Token i sees only tokens ≤ i; the model then takes any length ≤ seqLen. Default true (language modelling). */
  causal?: boolean;
}

interface ResolvedCommon {
  dModel: number;
  depth: number;
  dFfn: number;
  seqLen: number;
  causal: boolean;
  tinyAttention: boolean;
  attentionDim: number;
  activation: ActivationName;
  gateActivation: ActivationName;
  dropPath: number;
  name: string | undefined;
}

/** Validated classifier options (`seqLen` = tokens of the patch grid, never causal). */
export interface ResolvedClassifier extends ResolvedCommon {
  kind: 'classifier';
  imageSize: [number, number];
  patchSize: [number, number];
  channels: number;
  numClasses: number;
}

/** Validated sequence-model options. */
export interface ResolvedSequence extends ResolvedCommon {
  kind: 'sequence';
  vocabSize: number;
  outputDim: number;
}

/** Validated options, as the builders and the parameter formula use them. */
export type ResolvedGmlp = ResolvedClassifier | ResolvedSequence;

const COMMON_KEYS = ['dModel', 'depth', 'dFfn', 'tinyAttention', 'attentionDim', 'activation', 'gateActivation', 'dropPath', 'name'];
/** Option names `gmlpClassifier` accepts. */
export const CLASSIFIER_KEYS = [...COMMON_KEYS, 'imageSize', 'patchSize', 'channels', 'numClasses'];
/** Option names `gmlpSequenceModel` accepts. */
export const SEQUENCE_KEYS = [...COMMON_KEYS, 'vocabSize', 'seqLen', 'outputDim', 'causal'];

function common(owner: string, o: GmlpCommonOptions, seqLen: number, causal: boolean): ResolvedCommon {
  const dModel = validate.positiveInt(owner, 'dModel', o.dModel);
  const activation = o.activation ?? 'gelu';
  const gateActivation = o.gateActivation ?? 'linear';
  getActivation(activation, owner, 'activation');
  getActivation(gateActivation, owner, 'gateActivation');
  if (o.name !== undefined && typeof o.name !== 'string') throw new ConfigError(owner, 'name', 'a string', o.name);
  return {
    dModel,
    depth: validate.positiveInt(owner, 'depth', o.depth),
    dFfn: evenFfn(owner, o.dFfn ?? 6 * dModel),
    seqLen,
    causal,
    tinyAttention: validate.boolean(owner, 'tinyAttention', o.tinyAttention ?? false),
    attentionDim: validate.positiveInt(owner, 'attentionDim', o.attentionDim ?? 64),
    activation,
    gateActivation,
    dropPath: validate.rate(owner, 'dropPath', o.dropPath ?? 0),
    name: o.name,
  };
}

/** Validates classifier options (ConfigErrors name the option and value; the patch must divide the image). */
export function resolveClassifier(o: GmlpClassifierOptions): ResolvedClassifier {
  const owner = 'gmlpClassifier';
  validate.knownOptions(owner, o, CLASSIFIER_KEYS);
  const imageSize = validate.pair(owner, 'imageSize', o.imageSize);
  const patchSize = validate.pair(owner, 'patchSize', o.patchSize);
  (['height', 'width'] as const).forEach((axis, i) => {
    if (imageSize[i]! % patchSize[i]! !== 0) {
      throw new ConfigError(owner, 'patchSize', 'a size that divides the image', o.patchSize,
        `${owner}: image ${axis} ${imageSize[i]} is not divisible by patch ${axis} ${patchSize[i]} (imageSize ${JSON.stringify(o.imageSize)}, patchSize ${JSON.stringify(o.patchSize)})`);
    }
  });
  const tokens = (imageSize[0] / patchSize[0]) * (imageSize[1] / patchSize[1]);
  return {
    kind: 'classifier',
    ...common(owner, o, tokens, false),
    imageSize,
    patchSize,
    channels: validate.positiveInt(owner, 'channels', o.channels ?? 3),
    numClasses: validate.positiveInt(owner, 'numClasses', o.numClasses),
  };
}

/** Validates sequence-model options (ConfigErrors name the option and value). */
export function resolveSequence(o: GmlpSequenceOptions): ResolvedSequence {
  const owner = 'gmlpSequenceModel';
  validate.knownOptions(owner, o, SEQUENCE_KEYS);
  const vocabSize = validate.positiveInt(owner, 'vocabSize', o.vocabSize);
  const seqLen = validate.positiveInt(owner, 'seqLen', o.seqLen);
  return {
    kind: 'sequence',
    ...common(owner, o, seqLen, validate.boolean(owner, 'causal', o.causal ?? true)),
    vocabSize,
    outputDim: validate.positiveInt(owner, 'outputDim', o.outputDim ?? vocabSize),
  };
}

/**
 * A JSON model spec's options: `{"preset": "gmlp_ti16"}` (a classifier preset, other keys override it),
 * explicit classifier options, or `{"kind": "sequence", ...}` for the sequence model. The `model` key is ignored.
 */
export function resolveSpec(spec: Record<string, unknown>): ResolvedGmlp {
  const { model: _model, preset, kind, ...rest } = spec;
  const k = validate.oneOf('gmlp spec', 'kind', kind ?? 'classifier', ['classifier', 'sequence'] as const);
  let options = rest;
  if (preset !== undefined) {
    const name = validate.oneOf('gmlp spec', 'preset', preset, PRESET_NAMES);
    if (k !== 'classifier') {
      throw new ConfigError('gmlp spec', 'preset', 'a classifier preset', preset, `gmlp spec: presets are image classifiers; "preset" cannot be combined with kind "sequence" (received preset ${JSON.stringify(preset)})`);
    }
    options = { ...PRESETS[name as PresetName], ...rest };
  }
  return k === 'sequence'
    ? resolveSequence(options as unknown as GmlpSequenceOptions)
    : resolveClassifier(options as unknown as GmlpClassifierOptions);
}
