import { type OptionsOutput, defineOptions, option } from '@mlp-blocks/core';
import { MAXIM_UNET_OPTIONS } from './unet.js';

/** The options of the `maxim` family: flat image vectors in and out, the UNet's options, and the stage count. */
export const MAXIM_OPTIONS = defineOptions({
  inputDim: option.positiveInt('Input size: imageSize[0] × imageSize[1] × inputChannels (the CLI fills it from the data).'),
  outputDim: option.positiveInt('Output size: equal to inputDim, the restored image (the CLI fills it from the data).'),
  imageSize: option.sizePair('Height and width of the images the flat vectors hold (row-major, channels last): one number or [height, width].'),
  inputChannels: option.withDefault(option.positiveInt('Channels of the images.'), 1),
  outputActivation: option.withDefault(option.oneOf(['sigmoid', 'linear'], "On the restored image: 'sigmoid' for targets in [0, 1], 'linear' for the authors' plain residual output."), 'sigmoid'),
  numStages: option.withDefault(option.positiveInt('Stages of the multi-stage MAXIM; only 1 is built, more are counted in closed form (the authors\' MAXIM-2S/3S).'), 1),
  ...MAXIM_UNET_OPTIONS.entries,
});
/** The family's options after parsing. */
export type MaximOptions = OptionsOutput<typeof MAXIM_OPTIONS.entries>;
