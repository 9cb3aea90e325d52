// Registration module (the package's only side effect): the layers for tfjs serialization and the core block
// registry, and the "maxim" family (options, presets, builder, closed-form count) for the core family registry.
import { type OptionsOutput, type Preset, registerBlock, registerFamily } from '@mlp-blocks/core';
import { ChannelAttention, Rcab, Rdcab } from './channel-attention.js';
import { Conv2d, ConvTranspose2x2 } from './conv.js';
import { CrossGatingBlock, SpatialGatingWeights } from './cross-gating.js';
import { AxisGmlpLayer, GatingUnit, SpatialProjection } from './gating.js';
import { MultiAxisGmlpBlock } from './multi-axis-block.js';
import { maximDenoiser } from './network.js';
import { MAXIM_OPTIONS } from './options.js';
import { maximParams } from './params.js';
import { PRESETS, PRESET_DESCRIPTIONS, type PresetName } from './presets.js';
import { MaximUnet, ResizeConv } from './unet.js';
import { UnetStage } from './unet-stage.js';

type Entries = typeof MAXIM_OPTIONS.entries;

for (const block of [
  Conv2d, ConvTranspose2x2, SpatialProjection, GatingUnit, AxisGmlpLayer, MultiAxisGmlpBlock, ChannelAttention, Rcab, Rdcab,
  SpatialGatingWeights, CrossGatingBlock, UnetStage, ResizeConv, MaximUnet,
]) registerBlock(block);

registerFamily({
  name: 'maxim',
  packageName: '@mlp-blocks/maxim',
  description: 'MAXIM (Tu et al., 2022): a multi-axis gated MLP UNet with cross-gating skips, for image restoration on flat image vectors',
  owner: 'maximDenoiser',
  options: MAXIM_OPTIONS,
  input: 'flat',
  presets: Object.fromEntries((Object.keys(PRESETS) as PresetName[]).map((name): [string, Preset<Entries>] => [
    name, { description: PRESET_DESCRIPTIONS[name], options: PRESETS[name] as unknown as Partial<OptionsOutput<Entries>> },
  ])),
  build: maximDenoiser,
  countParams: maximParams,
  citation: 'Tu, Talebi, Zhang, Yang, Milanfar, Bovik, Li. MAXIM: Multi-Axis MLP for Image Processing. CVPR 2022, arXiv:2201.02973.',
});
