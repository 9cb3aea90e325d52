import './register.js';

/** The npm name of this package, as recorded in the configs of the models it builds. */
export const packageName = '@mlp-blocks/maxim';
export { CONV2D_OPTIONS, CONV_TRANSPOSE_OPTIONS, Conv2d, ConvTranspose2x2, type Conv2dArgs, type ConvTranspose2x2Args } from './conv.js';
export {
  AXIS_GMLP_OPTIONS, AxisGmlpLayer, GATING_UNIT_OPTIONS, GatingUnit, MAXIM_EPSILON, SPATIAL_PROJECTION_OPTIONS, SpatialProjection,
  type AxisGmlpLayerArgs, type GatingUnitArgs, type SpatialProjectionArgs,
} from './gating.js';
export { MULTI_AXIS_OPTIONS, MultiAxisGmlpBlock, type MultiAxisGmlpBlockArgs } from './multi-axis-block.js';
export {
  CHANNEL_ATTENTION_OPTIONS, ChannelAttention, RCAB_OPTIONS, RDCAB_OPTIONS, Rcab, Rdcab, type ChannelAttentionArgs, type RcabArgs, type RdcabArgs,
} from './channel-attention.js';
export {
  CROSS_GATING_OPTIONS, CrossGatingBlock, SPATIAL_GATING_WEIGHTS_OPTIONS, SpatialGatingWeights, type CrossGatingBlockArgs, type SpatialGatingWeightsArgs,
} from './cross-gating.js';
export { UNET_STAGE_OPTIONS, UnetStage, type UnetStageArgs } from './unet-stage.js';
export { MAXIM_UNET_OPTIONS, MaximUnet, RESIZE_CONV_OPTIONS, ResizeConv, type MaximUnetArgs, type MaximUnetOptions, type ResizeConvArgs } from './unet.js';
export { MAXIM_OPTIONS, type MaximOptions } from './options.js';
export { maximDenoiser } from './network.js';
export { maximParams, type MaximCountOptions } from './params.js';
export { PRESETS, PRESET_DESCRIPTIONS, type PresetName } from './presets.js';
export { blockImages, conv2dSame, convTranspose2x2, resizeBilinear, resizeMatrix, unblockImages } from './image-ops.js';
