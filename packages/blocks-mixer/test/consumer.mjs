// @mlp-blocks/mixer alone: Mixer and ResMLP blocks inside tf.sequential, trained on wasm, saved and reloaded.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '@mlp-blocks/core';
import { MixerBlock, ResMlpBlock } from '@mlp-blocks/mixer';
import { trainSaveReload } from './check.mjs';

await tf.setBackend('wasm');
const model = tfl.sequential({ layers: [
  new Dense({ units: 16, inputShape: [9, 5] }),          // 9 patches of 5 features → 16 channels
  new MixerBlock({ tokenMlpDim: 8, channelMlpDim: 32 }),
  new ResMlpBlock({ channelMlpDim: 32 }),
  tfl.layers.globalAveragePooling1d(),
  new Dense({ units: 3 }),
] });
const x = tf.randomNormal([32, 9, 5], 0, 1, 'float32', 1);
const y = tf.randomNormal([32, 3], 0, 1, 'float32', 2);
await trainSaveReload(model, x, y, { classes: ['MlpBlocks>MixerBlock', 'MlpBlocks>ResMlpBlock', 'MlpBlocks>Dense'] });
