// @mlp-blocks/backend-blas as a user installs it, beside @mlp-blocks/backends: its install script compiled the
// OpenBLAS addon here; importing it registers the `blas` tfjs backend and provider; useBackend('blas') runs on
// it (tf.getBackend() says so), an hourglass model trains, saves and reloads there, auto picks it, and the stock
// wasm backend's kernels are untouched.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '@mlp-blocks/core';
import { listBackends, useBackend } from '@mlp-blocks/backends/node';
import '@mlp-blocks/backend-blas';
import { ResidualMlpBlock } from '@mlp-blocks/hourglass';
import { check, trainSaveReload } from './check.mjs';

const stock = tf.getKernel('BatchMatMul', 'wasm');
check(listBackends().some((b) => b.name === 'blas' && b.packageName === '@mlp-blocks/backend-blas'), 'blas is not registered');
const choice = await useBackend('blas', { threads: 1 });
check(tf.getBackend() === 'blas', `tf.getBackend() is ${tf.getBackend()}`);
check(/^wasm kernels with OpenBLAS products/.test(choice.detail ?? ''), `blas detail: ${choice.detail}`);
// The product of a known pair, through the addon's kernel (transposed operand included).
const p = tf.matMul(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[4, 5, 6]]), false, true).dataSync()[0];
check(p === 32, `[1,2,3]·[4,5,6] gave ${p}`);
const model = tfl.sequential({ layers: [
  new Dense({ units: 32, inputShape: [16] }),
  new ResidualMlpBlock({ hidden: 8 }),
  new Dense({ units: 4 }),
] });
const x = tf.randomNormal([32, 16], 0, 1, 'float32', 1);
const y = tf.randomNormal([32, 4], 0, 1, 'float32', 2);
await trainSaveReload(model, x, y, { classes: ['MlpBlocks>ResidualMlpBlock', 'MlpBlocks>Dense'], backend: 'blas' });
await useBackend('wasm');
check(tf.getKernel('BatchMatMul', 'wasm') === stock, 'the wasm backend lost its stock BatchMatMul');
const auto = await useBackend('auto');
check(auto.name === 'blas', `auto picked ${auto.name}`);
console.log(choice.detail);
