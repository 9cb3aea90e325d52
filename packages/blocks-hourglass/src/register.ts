// Registration module (the package's only side effect): blocks for tfjs serialization, model specs for the registry.
import { registerBlock, registerModel } from '@mlp-blocks/core';
import { ResidualMlpBlock } from './residual-mlp-block.js';

registerBlock(ResidualMlpBlock);
export {};
