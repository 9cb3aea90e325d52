/**
 * Named gMLP classifiers. The ImageNet ones are the paper's (Table 1) and timm's `gmlp_*16_224`: 224² images,
 * patch 16 (196 tokens), depth 30, d_ffn = 6·d_model. The small ones are sized for MNIST (28², 1 channel)
 * and CIFAR-10 (32², 3 channels) with patch 4 and fit CPU training.
 */
export const PRESETS = {
  gmlp_ti16: { imageSize: 224, patchSize: 16, channels: 3, numClasses: 1000, depth: 30, dModel: 128, dFfn: 768 },
  gmlp_s16: { imageSize: 224, patchSize: 16, channels: 3, numClasses: 1000, depth: 30, dModel: 256, dFfn: 1536 },
  gmlp_b16: { imageSize: 224, patchSize: 16, channels: 3, numClasses: 1000, depth: 30, dModel: 512, dFfn: 3072 },
  gmlp_mnist: { imageSize: 28, patchSize: 4, channels: 1, numClasses: 10, depth: 6, dModel: 64, dFfn: 384 },
  gmlp_cifar10: { imageSize: 32, patchSize: 4, channels: 3, numClasses: 10, depth: 8, dModel: 128, dFfn: 768 },
} as const;

/** Name of a preset in `PRESETS`. */
export type PresetName = keyof typeof PRESETS;

/** Preset names, in table order. */
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
