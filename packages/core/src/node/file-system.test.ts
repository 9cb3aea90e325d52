import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { fileSystem, ModelFileError } from './file-system.js';

const INPUT = [
  [0.5, -1, 2, 0.25],
  [-3, 0, 1.5, 4],
];

function makeModel(seed: number): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      inputShape: [4],
      units: 8,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      biasInitializer: tfl.initializers.randomNormal({ seed: seed + 1 }),
    }),
  );
  model.add(
    tfl.layers.dense({
      units: 3,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }),
      biasInitializer: tfl.initializers.randomNormal({ seed: seed + 3 }),
    }),
  );
  return model;
}

async function predict(model: tfl.LayersModel): Promise<number[]> {
  const x = tf.tensor2d(INPUT);
  const y = model.predict(x) as tf.Tensor;
  const values = Array.from(await y.data());
  tf.dispose([x, y]);
  return values;
}

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mlp-blocks-fs-'));
  tempDirs.push(dir);
  return dir;
}

/** Saves a fresh model into a new temp dir and returns both. */
async function savedModel(seed = 1): Promise<{ dir: string; model: tfl.Sequential }> {
  const dir = await tempDir();
  const model = makeModel(seed);
  await model.save(fileSystem(dir));
  return { dir, model };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('fileSystem', () => {
  it('round-trips a layers model with identical predictions and leaves only model.json + weights.bin', async () => {
    const { dir, model } = await savedModel();
    const loaded = await tfl.loadLayersModel(fileSystem(dir));

    expect(await predict(loaded)).toEqual(await predict(model));
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect((await fs.stat(path.join(dir, 'weights.bin'))).size).toBe(model.countParams() * 4);

    model.dispose();
    loaded.dispose();
  });

  it('creates the target directory recursively', async () => {
    const dir = path.join(await tempDir(), 'a', 'b');
    const model = makeModel(1);
    const result = await model.save(fileSystem(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(model.countParams() * 4);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    model.dispose();
  });

  it('loads from a path to model.json directly', async () => {
    const { dir, model } = await savedModel();
    const loaded = await tfl.loadLayersModel(fileSystem(path.join(dir, 'model.json')));
    expect(await predict(loaded)).toEqual(await predict(model));
    model.dispose();
    loaded.dispose();
  });

  it('rejects a missing model.json naming its absolute path', async () => {
    const dir = await tempDir();
    const expectedPath = path.join(path.resolve(dir), 'model.json');
    const error = await fileSystem(dir).load!().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).file).toBe(expectedPath);
    expect((error as Error).message).toContain(`model.json not found: ${expectedPath}`);
  });

  it('rejects corrupt JSON naming the file', async () => {
    const dir = await tempDir();
    const jsonPath = path.join(dir, 'model.json');
    await fs.writeFile(jsonPath, '{"modelTopology": ');
    await expect(fileSystem(dir).load!()).rejects.toThrow(`${jsonPath} is not valid JSON`);
  });

  it('rejects JSON without modelTopology naming the file', async () => {
    const dir = await tempDir();
    const jsonPath = path.join(dir, 'model.json');
    await fs.writeFile(jsonPath, JSON.stringify({ weightsManifest: [] }));
    await expect(fileSystem(dir).load!()).rejects.toThrow(`${jsonPath} has no modelTopology`);
  });

  it('rejects a missing weights file naming weights.bin', async () => {
    const { dir, model } = await savedModel();
    const weightsPath = path.join(dir, 'weights.bin');
    await fs.rm(weightsPath);
    await expect(tfl.loadLayersModel(fileSystem(dir))).rejects.toThrow(
      `weights file ${weightsPath} listed in ${path.join(dir, 'model.json')} not found`,
    );
    model.dispose();
  });

  it('refuses weights paths that leave the model directory', async () => {
    const { dir, model } = await savedModel();
    const jsonPath = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    await fs.writeFile(jsonPath, JSON.stringify(json));
    await expect(fileSystem(dir).load!()).rejects.toThrow(/lists weights file .*etc\/passwd, which is outside the model's directory/);
    model.dispose();
  });

  it('rejects a truncated weights file with expected and actual byte counts', async () => {
    const { dir, model } = await savedModel();
    const weightsPath = path.join(dir, 'weights.bin');
    const expected = model.countParams() * 4;
    const bytes = await fs.readFile(weightsPath);
    expect(bytes.byteLength).toBe(expected);
    await fs.writeFile(weightsPath, bytes.subarray(0, expected - 3));

    const error = await tfl.loadLayersModel(fileSystem(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    const message = (error as Error).message;
    expect(message).toContain(weightsPath);
    expect(message).toContain(`${expected} bytes`);
    expect(message).toContain(`${expected - 3} bytes`);
    model.dispose();
  });

  it('rejects an oversized weights file', async () => {
    const { dir, model } = await savedModel();
    const weightsPath = path.join(dir, 'weights.bin');
    await fs.appendFile(weightsPath, new Uint8Array(4));
    await expect(tfl.loadLayersModel(fileSystem(dir))).rejects.toThrow(
      `has ${model.countParams() * 4 + 4} bytes but the weight specs`,
    );
    model.dispose();
  });

  it('replaces an existing model on save and leaves no temp files', async () => {
    const { dir, model: a } = await savedModel(1);
    const b = makeModel(100);
    const predA = await predict(a);
    const predB = await predict(b);
    expect(predB).not.toEqual(predA);

    await b.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(await predict(loaded)).toEqual(predB);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    a.dispose();
    b.dispose();
    loaded.dispose();
  });

  it('round-trips userDefinedMetadata, trainingConfig and optimizer weights', async () => {
    const dir = await tempDir();
    const model = makeModel(1);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const [x, y] = [tf.tensor2d(INPUT), tf.zeros([2, 3])];
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    tf.dispose([x, y]);
    model.setUserDefinedMetadata({ note: 'hello' });
    await model.save(fileSystem(dir), { includeOptimizer: true });

    const artifacts = await fileSystem(dir).load!();
    expect(artifacts.userDefinedMetadata).toEqual({ note: 'hello' });
    expect(artifacts.trainingConfig?.loss).toBe('mean_squared_error');
    expect(artifacts.format).toBe('layers-model');
    expect(artifacts.weightSpecs?.some((s) => s.group === 'optimizer')).toBe(true);

    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(await predict(loaded)).toEqual(await predict(model));
    expect(loaded.optimizer).toBeDefined();
    model.dispose();
    loaded.dispose();
  });

  it('sizes quantized weights by their quantized dtype', async () => {
    const dir = await tempDir();
    const weights = [
      { name: 'a', shape: [2, 3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
      { name: 'b', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'c', shape: [2], dtype: 'bool' },
    ];
    const expected = 6 * 1 + 5 * 2 + 2 * 1;
    await fs.writeFile(
      path.join(dir, 'model.json'),
      JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights }] }),
    );
    await fs.writeFile(path.join(dir, 'w.bin'), new Uint8Array(expected));
    const artifacts = await fileSystem(dir).load!();
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(expected);
    expect(artifacts.weightSpecs).toEqual(weights);

    await fs.writeFile(path.join(dir, 'w.bin'), new Uint8Array(expected * 2));
    await expect(fileSystem(dir).load!()).rejects.toThrow(`need ${expected} bytes`);
  });

  it('does not leak tensors: disposing the loaded model returns to the baseline', async () => {
    const { dir, model } = await savedModel();
    model.dispose();
    const baseline = tf.memory().numTensors;

    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(tf.memory().numTensors).toBe(baseline + loaded.weights.length);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
