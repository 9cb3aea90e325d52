import './register.js';

/** The npm name of this package, as recorded in the configs of the models it builds. */
export const packageName = '@mlp-blocks/mixer';
export { MixerBlock, type MixerBlockArgs } from './mixer-block.js';
export { ResMlpBlock, resMlpLayerScale, type ResMlpBlockArgs } from './resmlp-block.js';
export { TsMixerBlock, TS_NORMS, type TsMixerBlockArgs, type TsNormKind } from './tsmixer-block.js';
export { PatchStem, type PatchStemArgs } from './patch-stem.js';
export { TemporalProjection, type TemporalProjectionArgs } from './temporal-projection.js';
export { buildClassifier, mixerClassifier, resMlpClassifier } from './classifier.js';
export { buildForecaster, tsMixerForecaster } from './forecaster.js';
export { MIXER_PRESETS, RESMLP_PRESETS, type ClassifierPreset, type MixerPresetName, type ResMlpPresetName } from './presets.js';
export {
  resolveMixer, resolveResMlp, resolveTsMixer, type MixerClassifierOptions, type ResMlpClassifierOptions, type ResolvedClassifier,
  type ResolvedForecaster, type TsMixerForecasterOptions,
} from './options.js';
export { classifierParams, countParams, forecasterParams, mixerParams, resMlpParams, tsMixerParams } from './params.js';
