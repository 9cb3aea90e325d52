import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { countParams } from '@mlp-blocks/core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { hourglassMlp } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('a trained fixed-lift network saves without its lift and reloads with identical outputs', async () => {
  const options = { inputDim: 30, outputDim: 30, width: 48, bottleneck: 6, depth: 3, lift: 'fixed' as const, seed: 9 };
  const model = hourglassMlp(options);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const x = tf.randomUniform([16, 30], 0, 1, 'float32', 1);
  await model.fit(x, x, { epochs: 2, batchSize: 8, verbose: 0 }); // moves weights and running statistics
  const dir = await mkdtemp(join(tmpdir(), 'hourglass-'));
  await saveModel(model, dir);
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const names: string[] = manifest.weightsManifest[0].weights.map((w: { name: string }) => w.name);
  expect(names.some((n) => n.startsWith('lift'))).toBe(false);
  // Only blocks (2 kernels + 2 running stats each) and the head are stored: 4 bytes a float.
  const stored = 3 * (2 * 48 * 6 + 2 * 48) + 48 * 30;
  expect((await stat(join(dir, 'weights.bin'))).size).toBe(stored * 4);
  const loaded = await loadModel(dir);
  expect(countParams(loaded)).toEqual(countParams(model));
  const a = model.predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  tf.dispose([x, a, b]);
  model.dispose();
  loaded.dispose();
  await rm(dir, { recursive: true, force: true });
});
