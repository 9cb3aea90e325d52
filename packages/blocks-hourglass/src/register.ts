// Registration module (the package's only side effect): the block for tfjs serialization, and the
// "hourglass" / "conventional" model specs for the core registry.
import { registerBlock, registerModel } from '@mlp-blocks/core';
import { conventionalMlp, hourglassMlp } from './network.js';
import type { ConventionalOptions, HourglassOptions } from './options.js';
import { conventionalParams, hourglassParams } from './params.js';
import { ResidualMlpBlock } from './residual-mlp-block.js';

const packageName = '@mlp-blocks/hourglass';
const options = <T>(spec: Record<string, unknown>): T => {
  const { model: _model, ...rest } = spec;
  return rest as T;
};

registerBlock(ResidualMlpBlock);
registerModel('hourglass', {
  packageName,
  build: (spec) => hourglassMlp(options<HourglassOptions>(spec)),
  countParams: (spec) => hourglassParams(options<HourglassOptions>(spec)),
});
registerModel('conventional', {
  packageName,
  build: (spec) => conventionalMlp(options<ConventionalOptions>(spec)),
  countParams: (spec) => conventionalParams(options<ConventionalOptions>(spec)),
});
