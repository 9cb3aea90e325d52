// The shipped models: each re-scored on the first 2,000 MNIST test examples against the score its manifest records,
// its weights checked against the recorded SHA-256 and decoded exactly as stored, both load paths equal, and
// unknown names answered with the list of shipped ones.
import '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { countParams, createModel, listPretrained, specParams } from '@mlp-blocks/core';
import { loadTask } from '@mlp-blocks/datasets';
import { type FitData, evaluate } from '@mlp-blocks/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PretrainedModel, loadPretrained, pretrainedDir, pretrainedInfo, pretrainedModels, readWeights } from '../src/index.js';

const models = pretrainedModels();
const tmp = mkdtempSync(join(tmpdir(), 'mlp-pretrained-'));
beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The first `n` examples of a set, reshaped to the model's input (images for the image families). */
function subset(data: FitData, n: number, shape: number[]): FitData {
  return {
    name: `${data.name}[:${n}]`, size: n, inputShape: shape, targetShape: data.targetShape,
    batch: (indices, epoch) => {
      const { x, y } = data.batch(indices, epoch);
      const reshaped = tf.reshape(x, [x.shape[0]!, ...shape]);
      x.dispose();
      return { x: reshaped, y };
    },
  };
}

const testSets = new Map<string, Promise<FitData>>();
function testSet(m: PretrainedModel): Promise<FitData> {
  const key = JSON.stringify(m.data);
  if (!testSets.has(key)) testSets.set(key, loadTask({ dataset: m.data.dataset, task: m.data.task, split: 'test', ...(m.data.sigma !== undefined ? { sigma: m.data.sigma } : {}) }));
  return testSets.get(key)!;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the shipped models', () => {
  it('are the five of the README: two denoisers and a classifier per family', () => {
    expect(models.map((m) => m.name).sort()).toEqual([
      'conventional_mnist_denoise', 'gmlp_mnist_classify', 'hourglass_mnist_classify', 'hourglass_mnist_denoise', 'mixer_mnist_classify',
    ]);
    expect(listPretrained().filter((d) => d.packageName === '@mlp-blocks/pretrained').map((d) => d.name).sort()).toEqual(models.map((m) => m.name).sort());
  });

  for (const m of models) {
    it(`${m.name} scores what its manifest records on the first ${m.score.examples} test examples`, async () => {
      const model = createModel(m.name, { pretrained: true });
      try {
        expect(countParams(model)).toEqual(m.params);
        expect(specParams(m.spec)).toEqual(m.params);
        const classify = m.data.task === 'classify';
        const ev = await evaluate(model, subset(await testSet(m), m.score.examples, m.inputShape), {
          batchSize: m.score.batchSize, loss: classify ? 'softmaxCrossEntropy' : 'mse', metric: classify ? 'accuracy' : 'psnr',
        });
        expect(ev.metricName).toBe(m.score.metric);
        // PSNR within 0.005 dB; accuracy within one example (backends round differently in the last bits).
        expect(Math.abs(ev.metric - m.score.value)).toBeLessThanOrEqual(classify ? 1 / m.score.examples : 0.005);
        expect(ev.loss).toBeCloseTo(m.score.loss, 4);
      } finally {
        model.dispose();
      }
    });
  }

  it('load weights equal to their files, whose SHA-256 the manifest and model.json record, by both load paths', async () => {
    for (const m of models) {
      const dir = pretrainedDir(m.name);
      const bytes = readFileSync(join(dir, 'weights.bin'));
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      expect(sha256(bytes)).toBe(m.weights.sha256);
      expect(json.weightsSha256).toBe(m.weights.sha256);
      expect(bytes.byteLength).toBe(m.weights.bytes);
      expect(bytes.byteLength).toBe(2 * m.params.total); // float16
      const stored = tf.io.decodeWeights(new Uint8Array(bytes).buffer, json.weightsManifest[0].weights);
      const viaCreate = createModel(m.name, { pretrained: true });
      const viaLoad = await loadPretrained(m.name);
      for (const model of [viaCreate, viaLoad]) {
        expect(model.weights.map((w) => w.originalName).sort()).toEqual(Object.keys(stored).sort());
        for (const w of model.weights) expect(w.read().dataSync(), `${m.name} ${w.originalName}`).toEqual(stored[w.originalName]!.dataSync());
      }
      const x = tf.randomUniform([2, ...m.inputShape], 0, 1, 'float32', 3);
      expect((viaLoad.predict(x) as tf.Tensor).dataSync()).toEqual((viaCreate.predict(x) as tf.Tensor).dataSync());
      tf.dispose([x, ...Object.values(stored)]);
      viaCreate.dispose();
      viaLoad.dispose();
    }
  });

  it('leaks no tensors when created and disposed', () => {
    const before = tf.memory().numTensors;
    createModel('hourglass_mnist_denoise', { pretrained: true }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuse a damaged weights file, naming it', () => {
    const copy = join(tmp, 'damaged');
    cpSync(pretrainedDir('mixer_mnist_classify'), copy, { recursive: true });
    const bin = join(copy, 'weights.bin');
    const bytes = readFileSync(bin);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(bin, bytes);
    expect(() => readWeights(copy)).toThrow(`${bin} does not match the SHA-256 recorded in weightsSha256 in ${join(copy, 'model.json')}`);
  });

  it('answer an unknown name with the names shipped', async () => {
    const listed = /Registered: conventional_mnist_denoise, gmlp_mnist_classify, hourglass_mnist_classify, hourglass_mnist_denoise, mixer_mnist_classify\b/;
    expect(() => createModel('hourglass_mnist_denoiser', { pretrained: true })).toThrow(listed);
    expect(() => pretrainedInfo('__proto__')).toThrow(listed);
    await expect(loadPretrained('mnist')).rejects.toThrow(listed);
    expect(() => createModel('hourglass_mnist_denoise', { pretrained: true, depth: 2 })).toThrow(/option "depth" must be left out/);
  });

  it('give their architecture untrained with pretrained: false', () => {
    const model = createModel('hourglass_mnist_denoise', { pretrained: false });
    expect(countParams(model)).toEqual(pretrainedInfo('hourglass_mnist_denoise').params);
    model.dispose();
  });
});

// The recorded scoring command, run as written (the CLI finds this package as a plugin from its own folder).
const cli = (() => {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@mlp-blocks/cli/package.json')), 'dist', 'cli.js');
  } catch {
    return '';
  }
})();
describe.skipIf(!existsSync(cli))('mlp-blocks evaluate <pretrained name>', () => {
  for (const name of ['hourglass_mnist_denoise', 'mixer_mnist_classify']) {
    it(`${name}: the manifest's score command gives its score`, () => {
      const m = pretrainedInfo(name);
      const [, ...args] = m.score.command.split(' ');
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(out).toMatchObject({ kind: 'pretrained', task: m.data.task, dataset: m.data.dataset, split: 'test', examples: m.score.examples, batchSize: m.score.batchSize });
      expect(Math.abs(out.metric - m.score.value)).toBeLessThanOrEqual(m.data.task === 'classify' ? 1 / m.score.examples : 0.005);
    });
  }
});
