// Registration module (the package's only side effect): the layers for tfjs serialization and the block
// registry, and the "mixer" / "resmlp" / "tsmixer" families (options, presets, builder, closed-form count) for
// core's family registry.
import { registerBlock, registerFamily } from '@mlp-blocks/core';
import { buildClassifier } from './classifier.js';
import { buildForecaster } from './forecaster.js';
import { MixerBlock } from './mixer-block.js';
import {
  MIXER_CLASSIFIER_OPTIONS, MIXER_CLASSIFIER_RENAMES, RESMLP_CLASSIFIER_OPTIONS, RESMLP_CLASSIFIER_RENAMES, TSMIXER_FORECASTER_OPTIONS,
  TSMIXER_FORECASTER_RENAMES, mixerFromOptions, parseMixerOptions, parseResMlpOptions, resMlpFromOptions,
} from './options.js';
import { classifierParams, forecasterParams } from './params.js';
import { PatchStem } from './patch-stem.js';
import { MIXER_PRESETS, RESMLP_PRESETS } from './presets.js';
import { ResMlpBlock } from './resmlp-block.js';
import { TemporalProjection } from './temporal-projection.js';
import { TsMixerBlock } from './tsmixer-block.js';

const packageName = '@mlp-blocks/mixer';

registerBlock(MixerBlock);
registerBlock(ResMlpBlock);
registerBlock(TsMixerBlock);
registerBlock(PatchStem);
registerBlock(TemporalProjection);
registerFamily({
  name: 'mixer',
  packageName,
  description: 'MLP-Mixer image classifier: token-mixing and channel-mixing MLPs over image patches (Tolstikhin et al., 2021)',
  owner: 'mixerClassifier',
  options: MIXER_CLASSIFIER_OPTIONS,
  renames: MIXER_CLASSIFIER_RENAMES,
  parse: (raw, owner) => parseMixerOptions(raw, owner),
  input: 'image',
  presets: MIXER_PRESETS,
  build: (o) => buildClassifier(mixerFromOptions(o)),
  countParams: (o) => classifierParams(mixerFromOptions(o)),
  citation: 'Tolstikhin, Houlsby, Kolesnikov, Beyer, Zhai, Unterthiner, Yung, Steiner, Keysers, Uszkoreit, Lucic, Dosovitskiy. MLP-Mixer: An all-MLP Architecture for Vision. arXiv:2105.01601, 2021.',
});
registerFamily({
  name: 'resmlp',
  packageName,
  description: 'ResMLP image classifier: one linear across patches and a channel MLP, affine norms and LayerScale (Touvron et al., 2021)',
  owner: 'resMlpClassifier',
  options: RESMLP_CLASSIFIER_OPTIONS,
  renames: RESMLP_CLASSIFIER_RENAMES,
  parse: (raw, owner) => parseResMlpOptions(raw, owner),
  input: 'image',
  presets: RESMLP_PRESETS,
  build: (o) => buildClassifier(resMlpFromOptions(o)),
  countParams: (o) => classifierParams(resMlpFromOptions(o)),
  citation: 'Touvron, Bojanowski, Caron, Cord, El-Nouby, Grave, Izacard, Joulin, Synnaeve, Verbeek, Jégou. ResMLP: Feedforward networks for image classification with data-efficient training. arXiv:2105.03404, 2021.',
});
registerFamily({
  name: 'tsmixer',
  packageName,
  description: 'TSMixer multivariate forecaster: time-mixing and feature-mixing MLPs over a window, a linear head to the horizon (Chen et al., 2023)',
  owner: 'tsMixerForecaster',
  options: TSMIXER_FORECASTER_OPTIONS,
  renames: TSMIXER_FORECASTER_RENAMES,
  input: 'sequence',
  build: (o) => buildForecaster(o),
  countParams: (o) => forecasterParams(o),
  citation: 'Chen, Li, Yoder, Arik, Pfister. TSMixer: An All-MLP Architecture for Time Series Forecasting. arXiv:2303.06053, 2023.',
});
