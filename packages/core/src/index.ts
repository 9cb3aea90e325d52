import './register.js';

export { Block, CLASS_PREFIX, PACKAGE_KEY, countParams, type BlockArgs, type ParamCounts } from './block.js';
export {
  registerBlock,
  registerModel,
  listBlocks,
  listModels,
  getBlockClass,
  getModelBuilder,
  parseSpec,
  buildFromSpec,
  assertBlocksRegistered,
  loadBlocksModel,
  MissingBlockError,
  type BlockClass,
  type BlockSpec,
  type ModelSpec,
  type ModelBuilder,
} from './registry.js';
export { ConfigError, ShapeError } from './errors.js';
/**
 * Option validators shared by every block: each returns the value when valid and otherwise throws a ConfigError
 * naming the owner, the option and the value received.
 */
export * as validate from './validate.js';
export { ACTIVATIONS, getActivation, gelu, geluAutodiff, geluTanh, silu, type ActivationName } from './activations.js';
export { INITIALIZER_NAMES, resolveInitializer, seededInitializer, seededTensor, type InitializerSpec } from './initializers.js';
export { SeededRandom, mix32, MAX_SEED, type SeededRandomState } from './random.js';
export { dense, denseAutodiff } from './ops/dense.js';
export {
  FUSED_ADAMW_KERNEL,
  GELU_GRAD_KERNEL,
  GELU_KERNEL,
  product,
  productsTransposeFree,
  setTransposeFreeProducts,
  type FusedAdamWAttrs,
} from './ops/kernels.js';
export { normalize, normalizeAutodiff, type MomentsCallback, type NormalizeOptions } from './ops/normalize.js';
export { oneShape, oneTensor, lastDim, formatShape, tokenShape } from './shapes.js';
export { Dense, type DenseArgs } from './layers/dense.js';
export { BatchNorm, type BatchNormArgs } from './layers/batch-norm.js';
export { LayerNorm, type LayerNormArgs } from './layers/layer-norm.js';
export { RmsNorm, type RmsNormArgs } from './layers/rms-norm.js';
export { AffineNorm, type AffineNormArgs } from './layers/affine-norm.js';
export { createNorm, NORMS, type NormKind } from './layers/norm.js';
export { DropPath, dropPath, type DropPathArgs } from './layers/drop-path.js';
export { LayerScale, type LayerScaleArgs } from './layers/layer-scale.js';
export { RandomProjection, fingerprintOf, type RandomProjectionArgs } from './layers/random-projection.js';
export { PatchEmbedding, patchGrid, type PatchEmbeddingArgs } from './layers/patch-embedding.js';
export type { Kwargs, LayerArgs, LayerVariable, Shape, ConfigDict } from './types.js';
