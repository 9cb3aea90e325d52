import './register.js';

/** The npm name of this package, as recorded in the configs of the models it builds. */
export const packageName = '@mlp-blocks/gmlp';
export {
  SPATIAL_GATING_OPTIONS, SpatialGatingUnit, type SpatialGatingUnitArgs, type SpatialGatingUnitOptions,
} from './spatial-gating-unit.js';
export { TINY_ATTENTION_OPTIONS, TinyAttention, type TinyAttentionArgs, type TinyAttentionOptions } from './tiny-attention.js';
export {
  TOKEN_EMBEDDING_OPTIONS, TOKEN_EMBEDDING_RENAMES, TokenEmbedding, type TokenEmbeddingArgs, type TokenEmbeddingOptions,
} from './token-embedding.js';
export {
  GMLP_BLOCK_OPTIONS, GMLP_BLOCK_RENAMES, GmlpBlock, evenChannelMlpDim, evenFfn, type GmlpBlockArgs, type GmlpBlockOptions,
} from './gmlp-block.js';
export { buildClassifier, buildGmlp, buildSequenceModel, gmlpClassifier, gmlpSequenceModel } from './network.js';
export {
  CLASSIFIER_KEYS, GMLP_CLASSIFIER_OPTIONS, GMLP_KINDS, GMLP_OPTIONS, GMLP_RENAMES, GMLP_SEQUENCE_OPTIONS, GMLP_SEQUENCE_RENAMES,
  SEQUENCE_KEYS, resolveClassifier, resolveGmlp, resolveSequence, resolveSpec,
  type GmlpClassifierOptions, type GmlpCommonOptions, type GmlpKind, type GmlpSequenceOptions, type ResolvedClassifier,
  type ResolvedGmlp, type ResolvedSequence,
} from './options.js';
export { PRESETS, PRESET_DESCRIPTIONS, PRESET_NAMES, type PresetName } from './presets.js';
export { blockParams, classifierParams, countParams, networkParams, sequenceParams } from './params.js';
export { causalKernelMask, causalScoreMask } from './masks.js';
