import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BatchNorm, CLASS_PREFIX, Dense, LayerNorm, MissingBlockError, Mlp, RandomProjection, createModel, loadBlocksModel, defineOptions, option, registerFamily,
} from '../index.js';
import { ModelFileError, WEIGHTS_SHA256_KEY, registerFileUrlRouter } from './index.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mlp-blocks-file-url-'));
  // A family registered the way block packages do: core's blocks, a frozen projection regenerated from its seed,
  // batch-norm running statistics (non-trainable weights).
  registerFamily({
    name: 'url-net',
    packageName: '@example/url-net',
    description: 'a test network for file:// URLs',
    owner: 'urlNet',
    options: defineOptions({ inputDim: option.positiveInt('Input size.'), outputDim: option.positiveInt('Output size.') }),
    input: 'flat',
    build: (o) => tfl.sequential({ layers: [
      new RandomProjection({ units: 12, seed: 3, persist: false, inputShape: [o.inputDim] }),
      new LayerNorm(), new Mlp({ hiddenUnits: 16 }), new BatchNorm(), new Dense({ units: o.outputDim })] }),
    countParams: (o) => {
      const trainable = 2 * 12 + (12 * 16 + 16 + 16 * 12 + 12) + 12 * o.outputDim + o.outputDim;
      const nonTrainable = o.inputDim * 12 + 2 * 12;
      return { trainable, nonTrainable, total: trainable + nonTrainable };
    },
  });
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let count = 0;
const fresh = () => path.join(root, `m${count++}`);
const x = () => tf.randomNormal([5, 6], 0, 1, 'float32', 7);

function plainModel(): tfl.Sequential {
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [6], activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
}

/** Predictions of a model on the fixed input, as plain numbers (no tensor left behind). */
function predict(model: tfl.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict(x()) as tf.Tensor).dataSync()));
}

describe("model.save('file://…') and tf.loadLayersModel('file://…') after importing @mlp-blocks/core/node", () => {
  it('round-trips a plain tf.layers model through file:// URLs (folder and model.json), with identical predictions', async () => {
    const dir = fresh();
    const model = plainModel();
    const before = tf.memory().numTensors;
    const result = await model.save(`file://${dir}`);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((6 * 4 + 4 + 4 * 2 + 2) * 4);
    // Written by core's handler: the weights checksum is its own key.
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json[WEIGHTS_SHA256_KEY]).toMatch(/^[0-9a-f]{64}$/);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

    for (const url of [`file://${dir}/model.json`, `file://${dir}`]) {
      const again = await tfl.loadLayersModel(url);
      expect(predict(again)).toEqual(predict(model));
      again.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('loadBlocksModel takes the same URLs', async () => {
    const dir = fresh();
    const model = plainModel();
    await model.save(`file://${dir}`);
    const again = await loadBlocksModel(`file://${dir}`);
    expect(predict(again)).toEqual(predict(model));
    again.dispose();
    model.dispose();
  });

  it('takes a path relative to the working directory, as tfjs-node does', async () => {
    const dir = fresh();
    const model = plainModel();
    await model.save(`file://${path.relative(process.cwd(), dir)}`);
    const again = await tfl.loadLayersModel(`file://${path.relative(process.cwd(), dir)}/model.json`);
    expect(predict(again)).toEqual(predict(model));
    again.dispose();
    model.dispose();
  });

  it('round-trips a blocks model made by createModel (regenerated projection, batch-norm statistics included)', async () => {
    const dir = fresh();
    const model = createModel('url-net', { inputDim: 6, outputDim: 3 }, { seed: 1 });
    // A training step moves the batch-norm running statistics away from their initial values.
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [xs, ys] = [x(), tf.ones([5, 3])];
    await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    tf.dispose([xs, ys]);
    const before = tf.memory().numTensors;
    await model.save(`file://${dir}`);
    const again = await tfl.loadLayersModel(`file://${dir}`);
    expect(again.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(again.layers[0]!.getClassName()).toBe(`${CLASS_PREFIX}RandomProjection`);
    expect(predict(again)).toEqual(predict(model));
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('file:// loads go through the checked loader', () => {
  async function loadFailure(url: string): Promise<Error> {
    const before = tf.memory().numTensors;
    const error = await tfl.loadLayersModel(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(tf.memory().numTensors).toBe(before);
    return error as Error;
  }

  it('a missing folder: a ModelFileError naming the model.json it looked for', async () => {
    const dir = path.join(root, 'no-such-model');
    const error = await loadFailure(`file://${dir}`);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toBe(`Cannot load model: model.json not found: ${dir}/model.json`);
    expect((error as ModelFileError).file).toBe(`${dir}/model.json`);
  });

  it('a weights file whose bytes changed: the SHA-256 check of core, not random weights', async () => {
    const dir = fresh();
    const model = plainModel();
    await model.save(`file://${dir}`);
    model.dispose();
    const bytes = await fs.readFile(path.join(dir, 'weights.bin'));
    bytes[3]! ^= 0x40;
    await fs.writeFile(path.join(dir, 'weights.bin'), bytes);
    expect((await loadFailure(`file://${dir}`)).message)
      .toBe(`weights file ${dir}/weights.bin does not match the SHA-256 recorded in ${dir}/model.json (corrupted, or written by another save)`);
  });

  it('weights of another model: named, where tfjs alone would assign them and leak the half-built model', async () => {
    const dir = fresh();
    const model = plainModel();
    await model.save(`file://${dir}`);
    model.dispose();
    const jsonPath = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
    json.weightsManifest[0].weights[0].shape = [4, 6];
    delete json[WEIGHTS_SHA256_KEY];
    await fs.writeFile(jsonPath, JSON.stringify(json));
    const error = await loadFailure(`file://${dir}/model.json`);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(new RegExp(`^Cannot load the model in ${jsonPath}: the saved weight dense_\\w+/kernel has shape \\[4, 6\\] but the model needs \\[6, 4\\]$`));
  });

  it('a block whose package was not imported: MissingBlockError naming the package', async () => {
    const dir = fresh();
    const model = plainModel();
    await model.save(`file://${dir}`);
    model.dispose();
    const jsonPath = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
    json.modelTopology.config.layers[0].class_name = `${CLASS_PREFIX}Unheard`;
    json.modelTopology.config.layers[0].config.mlp_blocks_package = '@example/unheard';
    await fs.writeFile(jsonPath, JSON.stringify(json));
    const error = await loadFailure(`file://${dir}`);
    expect(error).toBeInstanceOf(MissingBlockError);
    expect(error.message).toContain('@example/unheard');
  });

  it('saving where a file is in the way: an error naming the URL and the folder', async () => {
    const file = path.join(root, `file-${count++}`);
    await fs.writeFile(file, 'not a folder');
    const model = plainModel();
    const error = await model.save(`file://${file}/model`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(`Cannot save the model to file://${file}/model (${file}/model): ENOTDIR: not a directory, mkdir '${file}/model'`);
    model.dispose();
  });

  it('a bare file:// is refused, not read as the working directory', async () => {
    const model = plainModel();
    await expect(model.save('file://')).rejects.toThrow('@mlp-blocks/core/node: option "url" must be file://<folder> or file://<folder>/model.json, received "file://"');
    await expect(tfl.loadLayersModel('file://')).rejects.toThrow('received "file://"');
    model.dispose();
  });
});

describe('registration is once per process', () => {
  it('registering again, or from a second copy of core, adds no second handler', async () => {
    expect(registerFileUrlRouter()).toBe(false);
    // A second copy of the module (another installed version of core, a bundle) shares the process-wide state.
    vi.resetModules();
    const copy = await import('./file-url.js');
    expect(copy.registerFileUrlRouter).not.toBe(registerFileUrlRouter);
    expect(copy.registerFileUrlRouter()).toBe(false);
    expect(tf.io.getSaveHandlers('file://anywhere')).toHaveLength(1);
    expect(tf.io.getLoadHandlers('file://anywhere')).toHaveLength(1);
    expect(tf.io.getSaveHandlers('indexeddb://anywhere')).toHaveLength(0);
  });
});
