// @mlp-blocks/hourglass alone: residual MLP blocks inside tf.sequential, trained on wasm, saved and reloaded.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '@mlp-blocks/core';
import { ResidualMlpBlock } from '@mlp-blocks/hourglass';
import { trainSaveReload } from './check.mjs';

await tf.setBackend('wasm');
const model = tfl.sequential({ layers: [
  new Dense({ units: 32, inputShape: [16] }),
  new ResidualMlpBlock({ hidden: 8 }),                  // hourglass: wide skip, narrow bottleneck, batch norm
  new ResidualMlpBlock({ hidden: 8, norm: 'layer' }),
  new Dense({ units: 4 }),
] });
const x = tf.randomNormal([32, 16], 0, 1, 'float32', 1);
const y = tf.randomNormal([32, 4], 0, 1, 'float32', 2);
await trainSaveReload(model, x, y, { classes: ['MlpBlocks>ResidualMlpBlock', 'MlpBlocks>Dense'] });
