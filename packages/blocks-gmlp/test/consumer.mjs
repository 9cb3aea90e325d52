// @mlp-blocks/gmlp alone: gMLP blocks (one causal aMLP) inside tf.sequential, trained on wasm, saved and reloaded.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '@mlp-blocks/core';
import { GmlpBlock } from '@mlp-blocks/gmlp';
import { trainSaveReload } from './check.mjs';

await tf.setBackend('wasm');
const model = tfl.sequential({ layers: [
  new Dense({ units: 12, inputShape: [8, 6] }),          // 8 tokens of 6 features → 12 channels
  new GmlpBlock({ dFfn: 24, seqLen: 8 }),
  new GmlpBlock({ dFfn: 24, seqLen: 8, causal: true, tinyAttention: true, attentionDim: 8 }),
  tfl.layers.globalAveragePooling1d(),
  new Dense({ units: 3 }),
] });
const x = tf.randomNormal([32, 8, 6], 0, 1, 'float32', 1);
const y = tf.randomNormal([32, 3], 0, 1, 'float32', 2);
await trainSaveReload(model, x, y, { classes: ['MlpBlocks>GmlpBlock', 'MlpBlocks>Dense'] });
