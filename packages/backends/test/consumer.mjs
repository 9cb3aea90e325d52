// @mlp-blocks/backends as a user installs it, with none of its optional peers (no webgpu, no tfjs-node): the
// built-in providers are listed, auto says why it passed over cuda and webgpu and lands on wasm, a backend whose
// provider package is not imported is an error that says so, and an hourglass model trains, saves and reloads.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '@mlp-blocks/core';
import { ConfigError, listBackends, useBackend } from '@mlp-blocks/backends/node';
import { ResidualMlpBlock } from '@mlp-blocks/hourglass';
import { check, trainSaveReload } from './check.mjs';

const names = listBackends().map((b) => b.name).join();
check(names === 'cuda,webgpu,tensorflow,wasm,cpu', `listBackends: ${names}`);
const unknown = await useBackend('blas').then(() => null, (e) => e);
check(unknown instanceof ConfigError && /registered when that package is imported/.test(unknown.message), `useBackend('blas') without its package: ${unknown}`);
const choice = await useBackend('auto');
check(choice.name === 'wasm', `auto picked ${choice.name}`);
check(choice.skipped.map((s) => s.name).join() === 'cuda,webgpu,tensorflow', `auto skipped ${JSON.stringify(choice.skipped)}`);
check(choice.skipped.every((s) => / is not installed$/.test(s.reason)), `auto's reasons: ${JSON.stringify(choice.skipped)}`);
const model = tfl.sequential({ layers: [
  new Dense({ units: 32, inputShape: [16] }),
  new ResidualMlpBlock({ hidden: 8 }),
  new Dense({ units: 4 }),
] });
const x = tf.randomNormal([32, 16], 0, 1, 'float32', 1);
const y = tf.randomNormal([32, 4], 0, 1, 'float32', 2);
await trainSaveReload(model, x, y, { classes: ['MlpBlocks>ResidualMlpBlock', 'MlpBlocks>Dense'] });
console.log(`auto: ${choice.name} (${choice.detail}); skipped ${choice.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
