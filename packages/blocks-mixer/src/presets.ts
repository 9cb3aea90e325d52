/** Named image-classifier settings; every option can still be overridden next to `preset`. */
export interface ClassifierPreset {
  imageSize: [number, number];
  patchSize: [number, number];
  hiddenDim: number;
  depth: number;
  numClasses: number;
  /** Mixer only: token-mixing width D_S. */
  tokenMlpDim?: number;
  channelMlpDim: number;
}

/**
 * MLP-Mixer presets (Tolstikhin et al. 2021, Table 1, at 224² and 1000 classes) and the small-data Mixer-nano
 * for CIFAR-10 (omihub777/MLP-Mixer-CIFAR's training settings: 32², patch 4, 64 tokens).
 */
export const MIXER_PRESETS = {
  mixer_s16: { imageSize: [224, 224], patchSize: [16, 16], hiddenDim: 512, tokenMlpDim: 256, channelMlpDim: 2048, depth: 8, numClasses: 1000 },
  mixer_b16: { imageSize: [224, 224], patchSize: [16, 16], hiddenDim: 768, tokenMlpDim: 384, channelMlpDim: 3072, depth: 12, numClasses: 1000 },
  mixer_nano: { imageSize: [32, 32], patchSize: [4, 4], hiddenDim: 128, tokenMlpDim: 64, channelMlpDim: 512, depth: 8, numClasses: 10 },
} as const satisfies Record<string, ClassifierPreset>;

/** ResMLP presets (Touvron et al. 2021, ResMLP-S12 / S24: 224², patch 16, 384 channels, MLP ratio 4). */
export const RESMLP_PRESETS = {
  resmlp_12: { imageSize: [224, 224], patchSize: [16, 16], hiddenDim: 384, channelMlpDim: 1536, depth: 12, numClasses: 1000 },
  resmlp_24: { imageSize: [224, 224], patchSize: [16, 16], hiddenDim: 384, channelMlpDim: 1536, depth: 24, numClasses: 1000 },
} as const satisfies Record<string, ClassifierPreset>;

/** The name of an MLP-Mixer preset in MIXER_PRESETS. */
export type MixerPresetName = keyof typeof MIXER_PRESETS;
/** The name of a ResMLP preset in RESMLP_PRESETS. */
export type ResMlpPresetName = keyof typeof RESMLP_PRESETS;
