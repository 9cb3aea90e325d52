// Registration module (the package's only side effect): the block for tfjs serialization, and the "hourglass" and
// "conventional" families (options, presets, builder, closed-form count) for the core registry.
import { registerBlock, registerFamily } from '@mlp-blocks/core';
import { buildNetwork } from './network.js';
import { CONVENTIONAL_OPTIONS, HOURGLASS_OPTIONS, conventionalShape, hourglassShape, resolveConventional, resolveHourglass } from './options.js';
import { networkParams } from './params.js';
import { RESIDUAL_MLP_RENAMES, ResidualMlpBlock } from './residual-mlp-block.js';

const packageName = '@mlp-blocks/hourglass';
const citation = 'Chen, Lee, Liao, Shiu. Rethinking the shape convention of an MLP. arXiv:2510.01796, 2025.';

registerBlock(ResidualMlpBlock);
registerFamily({
  name: 'hourglass',
  packageName,
  description: 'Residual MLP with a wide skip path and narrow bottleneck blocks (Chen et al., 2025)',
  owner: 'hourglassMlp',
  options: HOURGLASS_OPTIONS,
  renames: RESIDUAL_MLP_RENAMES,
  input: 'flat',
  presets: {
    hourglass_mnist: { description: "The paper's MNIST network: d_z 785, d_h 115, 4 blocks, trainable lift (1,953,080 parameters at 784 → 784)", options: { width: 785, bottleneck: 115, depth: 4, lift: 'trainable' } },
    hourglass_fixed: { description: 'A fixed-lift hourglass: d_z 1150, d_h 115, 10 blocks, random frozen lift', options: { width: 1150, bottleneck: 115, depth: 10, lift: 'fixed' } },
    hourglass_tiny: { description: 'A tiny hourglass that trains in seconds: d_z 96, d_h 16, 2 blocks', options: { width: 96, bottleneck: 16, depth: 2, lift: 'trainable' } },
  },
  build: (o) => buildNetwork(resolveHourglass(o)),
  countParams: (o) => networkParams(hourglassShape(o)),
  citation,
});
registerFamily({
  name: 'conventional',
  packageName,
  description: 'Residual MLP with a narrow skip path and wide (inverted-bottleneck) blocks, the baseline of Chen et al. (2025)',
  owner: 'conventionalMlp',
  options: CONVENTIONAL_OPTIONS,
  renames: RESIDUAL_MLP_RENAMES,
  input: 'flat',
  presets: {
    conventional_mnist: { description: 'A conventional MNIST network: square trainable lift, d_h 1150, 2 blocks', options: { hidden: 1150, depth: 2 } },
    conventional_tiny: { description: 'A tiny conventional network that trains in seconds: d_h 128, 2 blocks', options: { hidden: 128, depth: 2 } },
  },
  build: (o) => buildNetwork(resolveConventional(o)),
  countParams: (o) => networkParams(conventionalShape(o)),
  citation,
});
