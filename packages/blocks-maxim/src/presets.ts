/** The authors' MAXIM-S settings (`Model(variant='S-1' | 'S-2' | 'S-3')`), for 256 × 256 RGB images. */
const maximS = { imageSize: [256, 256], inputChannels: 3, inputDim: 196608, outputDim: 196608, features: 32, depth: 3, numGroups: 2, numBottleneckBlocks: 2, outputActivation: 'linear' } as const;

/**
 * Named MAXIM networks. maxim_s1/s2/s3 are the authors' MAXIM-1S/2S/3S (their published counts: 6,108,515,
 * 13,353,830 and 20,599,145 parameters); only the one-stage network is built, the others are counted.
 * maxim_mnist is a two-scale network sized for MNIST denoising on CPU.
 */
export const PRESETS = {
  maxim_s1: { ...maximS, numStages: 1 },
  maxim_s2: { ...maximS, numStages: 2 },
  maxim_s3: { ...maximS, numStages: 3 },
  maxim_mnist: {
    imageSize: [28, 28], inputChannels: 1, features: 16, depth: 2, numGroups: 1, numBottleneckBlocks: 1, highResStages: 2,
    blockSizeHr: [7, 7], gridSizeHr: [7, 7], blockSizeLr: [7, 7],
  },
} as const;

/** Name of a preset in `PRESETS`. */
export type PresetName = keyof typeof PRESETS;

/** One line per preset, for listings. */
export const PRESET_DESCRIPTIONS: Readonly<Record<PresetName, string>> = {
  maxim_s1: 'MAXIM-1S (Tu et al., 2022): 256² RGB, features 32, depth 3, 2 groups, 2 bottleneck blocks, 1 stage (6,108,515 parameters)',
  maxim_s2: 'MAXIM-2S: as maxim_s1 with 2 stages (13,353,830 parameters; counted, not built)',
  maxim_s3: 'MAXIM-3S, the paper\'s model: as maxim_s1 with 3 stages (20,599,145 parameters; counted, not built)',
  maxim_mnist: 'A two-scale MAXIM for MNIST (28²×1): features 16, blocks and grid 7 × 7',
};
