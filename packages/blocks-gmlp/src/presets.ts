/**
 * Named gMLP classifiers. The ImageNet ones are the paper's (Table 1) and timm's `gmlp_*16_224`: 224² images,
 * patch 16 (196 tokens), depth 30, channelMlpDim = 6·embedDim. The small ones are sized for MNIST (28², 1 channel)
 * and CIFAR-10 (32², 3 channels) with patch 4 and fit CPU training.
 */
export const PRESETS = {
  gmlp_ti16: { imageSize: 224, patchSize: 16, inputChannels: 3, numClasses: 1000, depth: 30, embedDim: 128, channelMlpDim: 768 },
  gmlp_s16: { imageSize: 224, patchSize: 16, inputChannels: 3, numClasses: 1000, depth: 30, embedDim: 256, channelMlpDim: 1536 },
  gmlp_b16: { imageSize: 224, patchSize: 16, inputChannels: 3, numClasses: 1000, depth: 30, embedDim: 512, channelMlpDim: 3072 },
  gmlp_mnist: { imageSize: 28, patchSize: 4, inputChannels: 1, numClasses: 10, depth: 6, embedDim: 64, channelMlpDim: 384 },
  gmlp_cifar10: { imageSize: 32, patchSize: 4, inputChannels: 3, numClasses: 10, depth: 8, embedDim: 128, channelMlpDim: 768 },
} as const;

/** Name of a preset in `PRESETS`. */
export type PresetName = keyof typeof PRESETS;

/** Preset names, in table order. */
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** One line per preset, for listings (`mlp-blocks info`, `listModelNames()`). */
export const PRESET_DESCRIPTIONS: Readonly<Record<PresetName, string>> = {
  gmlp_ti16: 'gMLP-Ti/16 (paper Table 1, timm gmlp_ti16_224): 224² ImageNet, embedDim 128, depth 30, 5.87M parameters',
  gmlp_s16: 'gMLP-S/16 (paper Table 1, timm gmlp_s16_224): 224² ImageNet, embedDim 256, depth 30, 19.4M parameters',
  gmlp_b16: 'gMLP-B/16 (paper Table 1, timm gmlp_b16_224): 224² ImageNet, embedDim 512, depth 30, 73M parameters',
  gmlp_mnist: 'A small gMLP for MNIST (28²×1, patch 4): embedDim 64, depth 6, 243,510 parameters',
  gmlp_cifar10: 'A small gMLP for CIFAR-10 (32²×3, patch 4): embedDim 128, depth 8, 1,236,106 parameters',
};
