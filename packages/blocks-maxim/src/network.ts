import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@mlp-blocks/core';
import type { MaximOptions } from './options.js';
import { MaximUnet, checkFlatSize } from './unet.js';

/** Throws a ConfigError naming the option when the flat sizes and the image disagree, or more than one stage is asked for. */
export function checkMaxim(o: MaximOptions, owner = 'maximDenoiser'): void {
  const [h, w] = o.imageSize;
  checkFlatSize(owner, 'inputDim', o.inputDim, h, w, o.inputChannels);
  checkFlatSize(owner, 'outputDim', o.outputDim, h, w, o.inputChannels);
  if (o.numStages !== 1) {
    throw new ConfigError(owner, 'numStages', '1 (multi-stage MAXIM is counted by specParams but not built)', o.numStages);
  }
}

/**
 * The `maxim` family's network: flat vectors [b, h·w·c] → images [b, h, w, c] → {@link MaximUnet} → flat again,
 * with `outputActivation` (sigmoid by default, like the hourglass denoiser). Layers: `image`, `unet`, `flat`, `output`.
 */
export function maximDenoiser(o: MaximOptions): tfl.Sequential {
  checkMaxim(o);
  const [h, w] = o.imageSize;
  const { inputDim: _i, outputDim: _o, imageSize: _s, inputChannels: _c, outputActivation, numStages: _n, ...unet } = o;
  return tfl.sequential({
    layers: [
      tfl.layers.reshape({ name: 'image', targetShape: [h, w, o.inputChannels], inputShape: [o.inputDim] }),
      new MaximUnet({ name: 'unet', ...unet }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.activation({ name: 'output', activation: outputActivation }),
    ],
  });
}
