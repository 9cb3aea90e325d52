import './register.js';

export { Block, CLASS_PREFIX, PACKAGE_KEY, countParams, type BlockArgs, type ParamCounts } from './block.js';
export { summary } from './summary.js';
export {
  registerBlock,
  registerModel,
  listBlocks,
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
export {
  registerFamily,
  getFamily,
  listFamilies,
  findPreset,
  listModels,
  listModelNames,
  resolveSpec,
  inputKindOf,
  familyOf,
  buildModel,
  checkModelSize,
  DEFAULT_MAX_PARAMS,
  specParams,
  createModel,
  type BuildOptions,
  type SizeOptions,
  type FamilyDescriptor,
  type InputKind,
  type ModelName,
  type Preset,
  type ResolvedSpec,
} from './families.js';
export { registerPretrained, getPretrained, findPretrained, listPretrained, resolvePretrained, type PretrainedDescriptor, type PretrainedRequest } from './pretrained.js';
/**
 * The option kinds blocks and networks declare their options with (valibot schemas carrying the expected-value
 * phrase of Keras-style errors and the option's doc): `option.positiveInt('Output size.')`, `option.withDefault(...)`.
 */
export { option } from './options/index.js';
export {
  applyRenames, defineOptions, deprecate, optionDefaults, optionDocs, parseOptions, pickOptions, toConfig,
  type OptionEntries, type OptionsInput, type OptionsOutput, type OptionsSchema, type ParseSettings, type Renames,
} from './options/parse.js';
export { ConfigError, ShapeError } from './errors.js';
export { paretoFrontier } from './pareto.js';
export { checkTrainable } from './trainable.js';
/**
 * Option validators shared by every block: each returns the value when valid and otherwise throws a ConfigError
 * naming the owner, the option and the value received.
 */
export * as validate from './validate.js';
export { ACTIVATIONS, getActivation, gelu, geluAutodiff, geluTanh, silu, type ActivationName } from './activations.js';
export { INITIALIZER_NAMES, resolveInitializer, seededInitializer, seededTensor, type InitializerSpec } from './initializers.js';
export { SeededRandom, mix32, MAX_SEED, withSeededRandom, type SeededRandomState } from './random.js';
export { dense, denseAutodiff } from './ops/dense.js';
export { DENSE_GELU_KERNEL, denseActivation } from './ops/dense-activation.js';
export { denseTokens } from './ops/dense-tokens.js';
export {
  FUSED_ADAMW_KERNEL,
  GELU_GRAD_KERNEL,
  GELU_KERNEL,
  product,
  productsTransposeFree,
  setTransposeFreeProducts,
  type FusedAdamWAttrs,
} from './ops/kernels.js';
export {
  BATCH_NORM_GRAD_KERNEL,
  BATCH_NORM_INFERENCE_KERNEL,
  BATCH_NORM_KERNEL,
  LAYER_NORM_GRAD_KERNEL,
  LAYER_NORM_KERNEL,
  type LayerNormAttrs,
  type LayerNormGradAttrs,
} from './ops/norm-kernels.js';
export { normalize, normalizeAutodiff, type MomentsCallback, type NormalizeOptions } from './ops/normalize.js';
export { oneShape, oneTensor, lastDim, formatShape, tokenShape } from './shapes.js';
export { Dense, DENSE_OPTIONS, type DenseArgs, type DenseOptions } from './layers/dense.js';
export { Mlp, MLP_OPTIONS, dropout, type MlpArgs } from './layers/mlp.js';
export { BatchNorm, BATCH_NORM_OPTIONS, type BatchNormArgs } from './layers/batch-norm.js';
export { LayerNorm, LAYER_NORM_OPTIONS, type LayerNormArgs } from './layers/layer-norm.js';
export { RmsNorm, RMS_NORM_OPTIONS, type RmsNormArgs } from './layers/rms-norm.js';
export { AffineNorm, AFFINE_NORM_OPTIONS, type AffineNormArgs } from './layers/affine-norm.js';
export { createNorm, NORMS, type NormKind } from './layers/norm.js';
export { DropPath, DROP_PATH_OPTIONS, dropPath, type DropPathArgs } from './layers/drop-path.js';
export { LayerScale, LAYER_SCALE_OPTIONS, type LayerScaleArgs } from './layers/layer-scale.js';
export { RandomProjection, RANDOM_PROJECTION_OPTIONS, fingerprintOf, type RandomProjectionArgs } from './layers/random-projection.js';
export { PatchEmbedding, PATCH_EMBEDDING_OPTIONS, patchGrid, type PatchEmbeddingArgs } from './layers/patch-embedding.js';
export type { Kwargs, LayerArgs, LayerVariable, Shape, ConfigDict } from './types.js';
