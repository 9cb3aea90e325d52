import './register.js';

/** The npm name of this package, as recorded in the configs of the models it builds. */
export const packageName = '@mlp-blocks/gmlp';
export { SpatialGatingUnit, type SpatialGatingUnitArgs } from './spatial-gating-unit.js';
export { TinyAttention, type TinyAttentionArgs } from './tiny-attention.js';
export { TokenEmbedding, type TokenEmbeddingArgs } from './token-embedding.js';
export { GmlpBlock, evenFfn, type GmlpBlockArgs } from './gmlp-block.js';
export { buildClassifier, buildGmlp, buildSequenceModel, gmlpClassifier, gmlpSequenceModel } from './network.js';
export {
  CLASSIFIER_KEYS, SEQUENCE_KEYS, resolveClassifier, resolveSequence, resolveSpec,
  type GmlpClassifierOptions, type GmlpCommonOptions, type GmlpSequenceOptions, type ResolvedClassifier, type ResolvedGmlp, type ResolvedSequence,
} from './options.js';
export { PRESETS, PRESET_NAMES, type PresetName } from './presets.js';
export { blockParams, classifierParams, countParams, networkParams, sequenceParams } from './params.js';
export { causalKernelMask, causalScoreMask } from './masks.js';
