import * as tfl from '@tensorflow/tfjs-layers';
import { buildModel } from '@mlp-blocks/core';
import { type ResolvedForecaster, type TsMixerForecasterOptions, builderSpec } from './options.js';
import { TemporalProjection } from './temporal-projection.js';
import { TsMixerBlock } from './tsmixer-block.js';

/** window [batch, T, C] ▶ `block_1` … `block_L` ▶ `head` (T → H along time) ▶ forecast [batch, H, C]. */
export function buildForecaster(r: ResolvedForecaster): tfl.Sequential {
  const layers: tfl.layers.Layer[] = [tfl.layers.inputLayer({ name: 'window', inputShape: [r.seqLen, r.features] })];
  for (let i = 1; i <= r.depth; i++) {
    layers.push(new TsMixerBlock({
      name: `block_${i}`, seqLen: r.seqLen, channelMlpDim: r.channelMlpDim, norm: r.norm, epsilon: r.epsilon, momentum: r.momentum,
      activation: r.activation, dropout: r.dropout,
    }));
  }
  layers.push(new TemporalProjection({ name: 'head', horizon: r.horizon, seqLen: r.seqLen }));
  return tfl.sequential({ layers, ...(r.name ? { name: r.name } : {}) });
}

/**
 * TSMixer multivariate forecaster (Chen et al. 2023, the authors' `tsmixer` model without RevIN), as
 * `createModel('tsmixer', options)`.
 */
export function tsMixerForecaster(options: TsMixerForecasterOptions): tfl.Sequential {
  return buildModel(builderSpec('tsmixer', options)) as tfl.Sequential;
}
