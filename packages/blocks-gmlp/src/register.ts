// Registration module (the package's only side effect): the layers for tfjs serialization and the core
// block registry, and the "gmlp" model spec (with its closed-form parameter count).
import { registerBlock, registerModel } from '@mlp-blocks/core';
import { GmlpBlock } from './gmlp-block.js';
import { buildGmlp } from './network.js';
import { resolveSpec } from './options.js';
import { networkParams } from './params.js';
import { SpatialGatingUnit } from './spatial-gating-unit.js';
import { TinyAttention } from './tiny-attention.js';
import { TokenEmbedding } from './token-embedding.js';

registerBlock(SpatialGatingUnit);
registerBlock(TinyAttention);
registerBlock(GmlpBlock);
registerBlock(TokenEmbedding);
registerModel('gmlp', {
  packageName: '@mlp-blocks/gmlp',
  build: (spec) => buildGmlp(resolveSpec(spec)),
  countParams: (spec) => networkParams(resolveSpec(spec)),
});
