import type { Preset } from '@mlp-blocks/core';
import type { MIXER_CLASSIFIER_OPTIONS, RESMLP_CLASSIFIER_OPTIONS } from './options.js';

/**
 * MLP-Mixer presets (Tolstikhin et al. 2021, Table 1, at 224² and 1000 classes) and the small-data Mixer-nano
 * for CIFAR-10 (omihub777/MLP-Mixer-CIFAR's training settings: 32², patch 4, 64 tokens). Their hidden widths are
 * the defaults' D_S = 0.5·C and D_C = 4·C (timm's `mlp_ratio=(0.5, 4.0)`), which give the published widths; so a
 * preset with another `embedDim` scales them, and `tokenMlpDim` / `tokenMlpRatio` (or the channel ones) override them.
 */
export const MIXER_PRESETS = {
  mixer_s16: {
    description: 'Mixer-S/16 (Tolstikhin et al. 2021): 224², patch 16, C 512, D_S 256, D_C 2048, 8 layers, 1000 classes; 18,528,264 parameters',
    options: { imageSize: 224, patchSize: 16, embedDim: 512, depth: 8, numClasses: 1000 },
  },
  mixer_b16: {
    description: 'Mixer-B/16 (Tolstikhin et al. 2021): 224², patch 16, C 768, D_S 384, D_C 3072, 12 layers, 1000 classes; 59,880,472 parameters',
    options: { imageSize: 224, patchSize: 16, embedDim: 768, depth: 12, numClasses: 1000 },
  },
  mixer_nano: {
    description: 'Mixer-nano for CIFAR-10: 32², patch 4 (64 tokens), C 128, D_S 64, D_C 512, 8 layers, 10 classes; 1,132,170 parameters',
    options: { imageSize: 32, patchSize: 4, embedDim: 128, depth: 8, numClasses: 10 },
  },
} satisfies Record<string, Preset<typeof MIXER_CLASSIFIER_OPTIONS.entries>>;

/**
 * ResMLP presets (Touvron et al. 2021, ResMLP-S12 / S24: 224², patch 16, 384 channels, channel MLP 4·C = 1536);
 * their LayerScale is resMlpLayerScale(depth): 0.1 at depth 12, 1e-5 at 24.
 */
export const RESMLP_PRESETS = {
  resmlp_12: {
    description: 'ResMLP-S12 (Touvron et al. 2021): 224², patch 16, C 384, channel MLP 1536, 12 layers, LayerScale 0.1, 1000 classes; 15,350,872 parameters',
    options: { imageSize: 224, patchSize: 16, embedDim: 384, depth: 12, numClasses: 1000 },
  },
  resmlp_24: {
    description: 'ResMLP-S24 (Touvron et al. 2021): 224², patch 16, C 384, channel MLP 1536, 24 layers, LayerScale 1e-5, 1000 classes; 30,020,680 parameters',
    options: { imageSize: 224, patchSize: 16, embedDim: 384, depth: 24, numClasses: 1000 },
  },
} satisfies Record<string, Preset<typeof RESMLP_CLASSIFIER_OPTIONS.entries>>;

/** The name of an MLP-Mixer preset in MIXER_PRESETS. */
export type MixerPresetName = keyof typeof MIXER_PRESETS;
/** The name of a ResMLP preset in RESMLP_PRESETS. */
export type ResMlpPresetName = keyof typeof RESMLP_PRESETS;
/**
 * A named classifier configuration: a description and the options it sets (core's `Preset`).
 * @deprecated Use `Preset` from @mlp-blocks/core; presets are `{ description, options }` now.
 */
export type ClassifierPreset = Preset;
