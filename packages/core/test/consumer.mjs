// @mlp-blocks/core alone: its layers inside tf.sequential on wasm, trained, saved and reloaded; the family
// registry empty until a family package is imported, with an error that says so.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense, LayerNorm, Mlp, createModel, listModels } from '@mlp-blocks/core';
import { check, trainSaveReload } from './check.mjs';

await tf.setBackend('wasm');
check(listModels().length === 0, `families registered by core alone: ${listModels()}`);
const missing = (() => { try { createModel('hourglass_mnist'); } catch (e) { return e; } })();
check(/Unknown model "hourglass_mnist"\. Registered: \(none\)\. A family is registered when its package is imported/.test(String(missing?.message)), `createModel without a family: ${missing}`);
const model = tfl.sequential({ layers: [
  new Dense({ units: 16, inputShape: [8] }), new LayerNorm(), new Mlp({ hiddenUnits: 32 }), new Dense({ units: 3 })] });
const x = tf.randomNormal([32, 8], 0, 1, 'float32', 1);
const y = tf.randomNormal([32, 3], 0, 1, 'float32', 2);
await trainSaveReload(model, x, y, { classes: ['MlpBlocks>Mlp', 'MlpBlocks>LayerNorm'] });
