// @mlp-blocks/maxim alone: a multi-axis gated MLP block, a strided convolution, a cross-gating block and an RCAB
// inside tf.model, trained on wasm (convolutions as products), saved and reloaded.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Conv2d, CrossGatingBlock, MultiAxisGmlpBlock, Rcab } from '@mlp-blocks/maxim';
import { trainSaveReload } from './check.mjs';

await tf.setBackend('wasm');
const x = tfl.input({ shape: [6, 4, 4] });
const h = new MultiAxisGmlpBlock({ blockSize: 2, gridSize: 2 }).apply(x);
const coarse = new Conv2d({ filters: 3, kernelSize: 4, strides: 2 }).apply(h); // 3 × 2
const g = new CrossGatingBlock({ features: 4, blockSize: 2, gridSize: 2 }).apply([h, coarse]);
const pooled = tfl.layers.globalAveragePooling2d({}).apply(new Rcab({ reduction: 2 }).apply(g));
const model = tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 2 }).apply(pooled) });
const xs = tf.randomNormal([16, 6, 4, 4], 0, 1, 'float32', 1);
const target = tf.randomNormal([16, 2], 0, 1, 'float32', 3);
await trainSaveReload(model, xs, target, { classes: ['MlpBlocks>MultiAxisGmlpBlock', 'MlpBlocks>CrossGatingBlock', 'MlpBlocks>Rcab', 'MlpBlocks>Conv2d'] });
