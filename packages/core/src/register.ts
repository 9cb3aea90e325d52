// Side effect of importing the core entry: core's primitive layers become loadable by tf.loadLayersModel.
import { AffineNorm } from './layers/affine-norm.js';
import { BatchNorm } from './layers/batch-norm.js';
import { Dense } from './layers/dense.js';
import { DropPath } from './layers/drop-path.js';
import { LayerNorm } from './layers/layer-norm.js';
import { LayerScale } from './layers/layer-scale.js';
import { Mlp } from './layers/mlp.js';
import { PatchEmbedding } from './layers/patch-embedding.js';
import { RandomProjection } from './layers/random-projection.js';
import { RmsNorm } from './layers/rms-norm.js';
import { registerBlock } from './registry.js';

for (const cls of [Dense, BatchNorm, LayerNorm, RmsNorm, AffineNorm, DropPath, LayerScale, RandomProjection, PatchEmbedding, Mlp]) {
  registerBlock(cls);
}
