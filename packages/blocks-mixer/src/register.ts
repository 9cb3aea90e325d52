// Registration module (the package's only side effect): the layers for tfjs serialization and the block
// registry, and the "mixer" / "resmlp" / "tsmixer" model specs for the core registry.
import { type ModelSpec, registerBlock, registerModel } from '@mlp-blocks/core';
import { mixerClassifier, resMlpClassifier } from './classifier.js';
import { tsMixerForecaster } from './forecaster.js';
import { MixerBlock } from './mixer-block.js';
import type { MixerClassifierOptions, ResMlpClassifierOptions, TsMixerForecasterOptions } from './options.js';
import { mixerParams, resMlpParams, tsMixerParams } from './params.js';
import { PatchStem } from './patch-stem.js';
import { ResMlpBlock } from './resmlp-block.js';
import { TemporalProjection } from './temporal-projection.js';
import { TsMixerBlock } from './tsmixer-block.js';

const packageName = '@mlp-blocks/mixer';
const options = <T>(spec: ModelSpec): T => {
  const { model: _model, ...rest } = spec;
  return rest as T;
};

registerBlock(MixerBlock);
registerBlock(ResMlpBlock);
registerBlock(TsMixerBlock);
registerBlock(PatchStem);
registerBlock(TemporalProjection);
registerModel('mixer', {
  packageName,
  build: (spec) => mixerClassifier(options<MixerClassifierOptions>(spec)),
  countParams: (spec) => mixerParams(options<MixerClassifierOptions>(spec)),
});
registerModel('resmlp', {
  packageName,
  build: (spec) => resMlpClassifier(options<ResMlpClassifierOptions>(spec)),
  countParams: (spec) => resMlpParams(options<ResMlpClassifierOptions>(spec)),
});
registerModel('tsmixer', {
  packageName,
  build: (spec) => tsMixerForecaster(options<TsMixerForecasterOptions>(spec)),
  countParams: (spec) => tsMixerParams(options<TsMixerForecasterOptions>(spec)),
});
