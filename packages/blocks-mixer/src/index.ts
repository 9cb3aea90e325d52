import './register.js';

/** The npm name of this package, as recorded in the configs of the models it builds. */
export const packageName = '@mlp-blocks/mixer';
export { MIXER_BLOCK_OPTIONS, MIXER_BLOCK_RENAMES, MixerBlock, type MixerBlockArgs, type MixerBlockOptions } from './mixer-block.js';
export { RESMLP_BLOCK_OPTIONS, RESMLP_BLOCK_RENAMES, ResMlpBlock, resMlpLayerScale, type ResMlpBlockArgs, type ResMlpBlockOptions } from './resmlp-block.js';
export {
  TSMIXER_BLOCK_OPTIONS, TSMIXER_BLOCK_RENAMES, TS_NORMS, TsMixerBlock, type TsMixerBlockArgs, type TsMixerBlockOptions, type TsNormKind,
} from './tsmixer-block.js';
export { PATCH_STEM_OPTIONS, PatchStem, type PatchStemArgs, type PatchStemOptions } from './patch-stem.js';
export {
  TEMPORAL_PROJECTION_OPTIONS, TEMPORAL_PROJECTION_RENAMES, TemporalProjection, type TemporalProjectionArgs, type TemporalProjectionOptions,
} from './temporal-projection.js';
export { buildClassifier, mixerClassifier, resMlpClassifier } from './classifier.js';
export { buildForecaster, tsMixerForecaster } from './forecaster.js';
export { MIXER_PRESETS, RESMLP_PRESETS, type ClassifierPreset, type MixerPresetName, type ResMlpPresetName } from './presets.js';
export {
  MIXER_CLASSIFIER_OPTIONS, MIXER_CLASSIFIER_RENAMES, RESMLP_CLASSIFIER_OPTIONS, RESMLP_CLASSIFIER_RENAMES, TSMIXER_FORECASTER_OPTIONS,
  TSMIXER_FORECASTER_RENAMES, resolveMixer, resolveResMlp, resolveTsMixer, type MixerClassifierOptions, type ResMlpClassifierOptions,
  type ResolvedClassifier, type ResolvedForecaster, type ResolvedMixer, type ResolvedResMlp, type TsMixerForecasterOptions,
} from './options.js';
export { classifierParams, countParams, forecasterParams, mixerParams, resMlpParams, tsMixerParams } from './params.js';
