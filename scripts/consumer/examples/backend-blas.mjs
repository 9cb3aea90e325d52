// @mlp-blocks/backend-blas as a user installs it: its install script compiled the OpenBLAS addon here; core's
// useBackend('blas') finds it, products run on OpenBLAS, and an hourglass model trains, saves and reloads.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '@mlp-blocks/core';
import { useBackend } from '@mlp-blocks/core/backends/node';
import { ResidualMlpBlock } from '@mlp-blocks/hourglass';
import { check, trainSaveReload } from './check.mjs';

const choice = await useBackend('blas', { threads: 1 });
check(/^wasm with OpenBLAS products/.test(choice.detail ?? ''), `blas detail: ${choice.detail}`);
// The product of a known pair, through the replaced kernel (transposed operand included).
const p = tf.matMul(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[4, 5, 6]]), false, true).dataSync()[0];
check(p === 32, `[1,2,3]·[4,5,6] gave ${p}`);
const model = tfl.sequential({ layers: [
  new Dense({ units: 32, inputShape: [16] }),
  new ResidualMlpBlock({ hidden: 8 }),
  new Dense({ units: 4 }),
] });
const x = tf.randomNormal([32, 16], 0, 1, 'float32', 1);
const y = tf.randomNormal([32, 4], 0, 1, 'float32', 2);
await trainSaveReload(model, x, y, { classes: ['MlpBlocks>ResidualMlpBlock', 'MlpBlocks>Dense'] });
console.log(choice.detail);
