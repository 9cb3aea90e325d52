import * as tfl from '@tensorflow/tfjs-layers';
import { AffineNorm, Dense, LayerNorm, buildModel } from '@mlp-blocks/core';
import { MixerBlock } from './mixer-block.js';
import { type MixerClassifierOptions, type ResMlpClassifierOptions, type ResolvedClassifier, builderSpec } from './options.js';
import { PatchStem } from './patch-stem.js';
import { ResMlpBlock } from './resmlp-block.js';

/**
 * images ▶ `stem` (patch embedding) ▶ `block_1` … `block_L` ▶ `norm` ▶ `pool` (mean over tokens) ▶ `head`
 * (zero-initialised linear, logits). The input leaves height and width open so that an image of another size
 * reaches the stem, which names the expected and received token counts.
 */
export function buildClassifier(r: ResolvedClassifier): tfl.Sequential {
  const layers: tfl.layers.Layer[] = [
    tfl.layers.inputLayer({ name: 'images', inputShape: [null, null, r.inputChannels] }),
    new PatchStem({ name: 'stem', imageSize: r.imageSize, patchSize: r.patchSize, embedDim: r.embedDim }),
  ];
  for (let i = 1; i <= r.depth; i++) {
    const common = { name: `block_${i}`, seqLen: r.seqLen, channelMlpDim: r.channelMlpDim, activation: r.activation, dropout: r.dropout, dropPath: r.dropPath };
    layers.push(r.kind === 'mixer'
      ? new MixerBlock({ ...common, tokenMlpDim: r.tokenMlpDim, layerScale: r.layerScale, epsilon: r.epsilon })
      : new ResMlpBlock({ ...common, layerScale: r.layerScale }));
  }
  layers.push(r.kind === 'mixer' ? new LayerNorm({ name: 'norm', epsilon: r.epsilon }) : new AffineNorm({ name: 'norm' }));
  layers.push(tfl.layers.globalAveragePooling1d({ name: 'pool' }));
  layers.push(new Dense({ name: 'head', units: r.numClasses, kernelInitializer: 'zeros', biasInitializer: 'zeros' }));
  return tfl.sequential({ layers, ...(r.name ? { name: r.name } : {}) });
}

/**
 * MLP-Mixer image classifier: `{ preset: 'mixer_nano' }` (options next to it override it) or explicit sizes, as
 * `createModel('mixer', options)`. Outputs logits [batch, numClasses].
 */
export function mixerClassifier(options: MixerClassifierOptions): tfl.Sequential {
  return buildModel(builderSpec('mixer', options)) as tfl.Sequential;
}

/**
 * ResMLP image classifier: `{ preset: 'resmlp_12' }` (options next to it override it) or explicit sizes, as
 * `createModel('resmlp', options)`. Outputs logits [batch, numClasses].
 */
export function resMlpClassifier(options: ResMlpClassifierOptions): tfl.Sequential {
  return buildModel(builderSpec('resmlp', options)) as tfl.Sequential;
}
