import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel } from '@mlp-blocks/core/node';
import { type SavedModelIO, savedModelDifference } from '@mlp-blocks/core/testing';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import '../src/index.js';

// Models saved by the first release (scripts/fixtures/make-saved-v0.mjs): their configs use that release's
// option names and their weights its names; they must load and compute the same outputs.
const fixtures = fileURLToPath(new URL('../fixtures/saved-v0/', import.meta.url));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('has saved-model fixtures', () => {
  expect(readdirSync(fixtures).length).toBeGreaterThan(0);
});

for (const name of readdirSync(fixtures)) {
  it(`${name}, saved by the first release, loads and gives the outputs it gave then`, async () => {
    const before = tf.memory().numTensors;
    const model = await loadModel(join(fixtures, name));
    const io = JSON.parse(readFileSync(join(fixtures, name, 'io.json'), 'utf8')) as SavedModelIO;
    expect(savedModelDifference(model, io)).toBeLessThanOrEqual(1e-6);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
}
