import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError, WEIGHTS_SHA256_KEY, fileSystem } from './file-system.js';
import { loadModel, saveModel } from './index.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mlp-blocks-model-files-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let count = 0;
/** A small saved model in a fresh folder. */
async function saved(): Promise<{ dir: string; jsonPath: string; weightsPath: string; json: Record<string, any> }> {
  const dir = path.join(root, `m${count++}`);
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], name: 'a' }), tfl.layers.dense({ units: 1, name: 'b' })] });
  await saveModel(model, dir);
  model.dispose();
  const jsonPath = path.join(dir, 'model.json');
  return { dir, jsonPath, weightsPath: path.join(dir, 'weights.bin'), json: JSON.parse(await fs.readFile(jsonPath, 'utf8')) };
}

async function loadError(dir: string): Promise<ModelFileError> {
  const before = tf.memory().numTensors;
  const error = await loadModel(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFileError);
  expect(tf.memory().numTensors).toBe(before);
  return error as ModelFileError;
}

describe('loading a model folder', () => {
  it('refuses a model.json without weightsManifest instead of giving random weights', async () => {
    const { dir, jsonPath, json } = await saved();
    delete json['weightsManifest'];
    await fs.writeFile(jsonPath, JSON.stringify(json));
    const error = await loadError(dir);
    expect(error.message).toBe(`${jsonPath} has no weightsManifest, so it holds no weights (loading it would give random weights)`);
    expect(error.file).toBe(jsonPath);
  });

  it('refuses a weights.bin that is a symlink to a file outside the folder', async () => {
    const { dir, jsonPath, weightsPath } = await saved();
    const outside = path.join(root, `outside-${count++}.bin`);
    await fs.rename(weightsPath, outside);
    await fs.symlink(outside, weightsPath);
    const error = await loadError(dir);
    expect(error.message).toBe(`${jsonPath} lists weights file ${weightsPath} (through a link to ${await fs.realpath(outside)}), which is outside the model's directory ${await fs.realpath(dir)}`);
  });

  it('loads a weights.bin that is a symlink inside the folder', async () => {
    const { dir, weightsPath } = await saved();
    await fs.rename(weightsPath, path.join(dir, 'real.bin'));
    await fs.symlink('real.bin', weightsPath);
    const model = await loadModel(dir);
    expect(model.weights).toHaveLength(4);
    model.dispose();
  });

  it('records the weights SHA-256 and refuses weights whose bytes changed', async () => {
    const { dir, jsonPath, weightsPath, json } = await saved();
    expect(json[WEIGHTS_SHA256_KEY]).toMatch(/^[0-9a-f]{64}$/);
    const bytes = await fs.readFile(weightsPath);
    bytes[5]! ^= 0x10;
    await fs.writeFile(weightsPath, bytes);
    const error = await loadError(dir);
    expect(error.message).toBe(`weights file ${weightsPath} does not match the SHA-256 recorded in ${jsonPath} (corrupted, or written by another save)`);
    // A model.json without the checksum (older saves, other tools) still loads.
    delete json[WEIGHTS_SHA256_KEY];
    await fs.writeFile(jsonPath, JSON.stringify(json));
    const model = await loadModel(dir);
    model.dispose();
  });

  it('refuses manifests that name a weight twice, an unknown dtype or a bad shape, naming the entry', async () => {
    const cases: Array<[(w: any[]) => void, string]> = [
      [(w) => { w[1].name = w[0].name; }, 'weightsManifest[0].weights[1] names the weight "a/kernel", which an earlier entry already names'],
      [(w) => { w[0].dtype = 'constructor'; }, 'weightsManifest[0].weights[0] ("a/kernel") has dtype "constructor"; expected one of float32, int32, bool, complex64'],
      [(w) => { w[0].shape = [2, -3]; }, 'weightsManifest[0].weights[0] ("a/kernel") must have a "shape" of non-negative integers, received [2,-3]'],
      [(w) => { w[0].shape = [2, 1e300]; }, 'weightsManifest[0].weights[0] ("a/kernel") must have a "shape" of non-negative integers, received [2,1e+300]'],
    ];
    for (const [mutate, what] of cases) {
      const { dir, jsonPath, json } = await saved();
      mutate(json['weightsManifest'][0].weights);
      await fs.writeFile(jsonPath, JSON.stringify(json));
      expect((await loadError(dir)).message).toBe(`${jsonPath} has an invalid weightsManifest: ${what}`);
    }
  });

  it('refuses weights of another model: a missing, extra or reshaped weight', async () => {
    const cases: Array<[(j: Record<string, any>) => void, string]> = [
      [(j) => { j['weightsManifest'][0].weights[3].name = 'c/bias'; }, "the saved weights lack 1 of the model's 4 weights: b/bias"],
      [(j) => { j['weightsManifest'][0].weights[0].shape = [3, 2]; }, 'the saved weight a/kernel has shape [3, 2] but the model needs [2, 3]'],
    ];
    for (const [mutate, what] of cases) {
      const { dir, jsonPath, json } = await saved();
      mutate(json);
      await fs.writeFile(jsonPath, JSON.stringify(json));
      const error = await loadError(dir);
      expect(error.message).toBe(`Cannot load the model in ${jsonPath}: ${what}`);
    }
  });

  it('reads no weights file bigger than the manifest says (sizes are checked before reading)', async () => {
    const { dir, weightsPath } = await saved();
    await fs.truncate(weightsPath, 1 << 30); // sparse: 1 GiB that would take seconds to read
    const jsonPath = path.join(dir, "model.json");
    expect((await loadError(dir)).message)
      .toBe(`weights file ${weightsPath} has 1073741824 bytes but the weight specs in ${jsonPath} need 52 bytes (oversized or does not belong to this model.json)`);
  });

  it('tf.loadLayersModel(fileSystem(dir)) also refuses a model.json without weights', async () => {
    const { dir, json, jsonPath } = await saved();
    delete json['weightsManifest'];
    await fs.writeFile(jsonPath, JSON.stringify(json));
    await expect(tfl.loadLayersModel(fileSystem(dir))).rejects.toThrow(`${jsonPath} has no weightsManifest`);
  });
});
