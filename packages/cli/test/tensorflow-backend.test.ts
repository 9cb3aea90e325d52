// The `tensorflow` backend (tfjs-node on libtensorflow, built from the tensorflow-cpu wheel by
// `pnpm provision:tensorflow`) for real, with every block family the CLI ships: each block's conformance kit,
// save → load of a trained model of each family, a short AdamW training run that follows the cpu backend step
// for step, and `mlp-blocks info` reporting it. Without the binding the whole file skips and says why; in CI it
// fails instead (test-support/tensorflow.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FUSED_ADAMW_KERNEL, buildModel, withSeededRandom } from '@mlp-blocks/core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';
import { checkConformance } from '@mlp-blocks/core/testing';
import { GmlpBlock, SpatialGatingUnit, TinyAttention } from '@mlp-blocks/gmlp';
import { ResidualMlpBlock } from '@mlp-blocks/hourglass';
import { MixerBlock, PatchStem, ResMlpBlock, TsMixerBlock } from '@mlp-blocks/mixer';
import { AdamW, getLoss, trainStep } from '@mlp-blocks/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensorflowSkipReason } from '../../../test-support/tensorflow.js';
import { run } from './helpers.js';

const skip = await tensorflowSkipReason();

afterAll(async () => {
  await tf.setBackend('cpu');
});

// The same options as each family's own conformance tests (src/*.test.ts), which run on cpu.
const BLOCKS = [
  { name: 'GmlpBlock', create: () => new GmlpBlock({ channelMlpDim: 12 }), inputShape: [5, 6] },
  {
    name: 'GmlpBlock aMLP causal',
    create: () => new GmlpBlock({ channelMlpDim: 8, seqLen: 6, causal: true, tinyAttention: true, attentionDim: 4, dropPath: 0.1, gateActivation: 'tanh' }),
    inputShape: [6, 5],
  },
  { name: 'SpatialGatingUnit causal', create: () => new SpatialGatingUnit({ seqLen: 5, causal: true, activation: 'tanh' }), inputShape: [5, 4] },
  { name: 'TinyAttention causal', create: () => new TinyAttention({ units: 4, attentionDim: 3, causal: true }), inputShape: [5, 6] },
  { name: 'ResidualMlpBlock hourglass', create: () => new ResidualMlpBlock({ hidden: 3, width: 12 }), inputShape: [12], batchSize: 6 },
  {
    name: 'ResidualMlpBlock conventional',
    create: () => new ResidualMlpBlock({ hidden: 24, norm: 'layer', useBias: true, activation: 'gelu', layerScale: 0.1 }),
    inputShape: [5, 6],
  },
  { name: 'MixerBlock', create: () => new MixerBlock(), inputShape: [6, 8] },
  { name: 'ResMlpBlock', create: () => new ResMlpBlock({ channelMlpDim: 5, dropPath: 0.1, dropout: 0.1, layerScale: 1e-5 }), inputShape: [3, 6] },
  { name: 'TsMixerBlock batch', create: () => new TsMixerBlock({ ffDim: 8 }), inputShape: [10, 3], batchSize: 6 },
  { name: 'PatchStem', create: () => new PatchStem({ imageSize: [8, 12], patchSize: [4, 3], embedDim: 5 }), inputShape: [8, 12, 2] },
];

// One small model per family, as the CLI builds them from a spec.
const SPECS = [
  { model: 'hourglass', inputDim: 16, outputDim: 16, width: 24, bottleneck: 6, depth: 2 },
  { model: 'gmlp', imageSize: 8, patchSize: 4, inputChannels: 1, numClasses: 3, embedDim: 8, channelMlpDim: 16, depth: 2 },
  { model: 'mixer', imageSize: 8, patchSize: 4, inputChannels: 1, numClasses: 3, embedDim: 8, tokenMlpDim: 6, channelMlpDim: 16, depth: 2 },
];

const inputFor = (spec: (typeof SPECS)[number]) =>
  'inputDim' in spec ? tf.randomNormal([6, spec.inputDim as number], 0, 1, 'float32', 4) : tf.randomNormal([6, 8, 8, 1], 0, 1, 'float32', 4);
const targetFor = (model: tfl.LayersModel) => tf.randomUniform([6, model.outputs[0]!.shape[1] as number], 0, 1, 'float32', 5);

/** `steps` AdamW steps of `spec`'s seeded model on `backend`; the losses, the final weights and the model. */
async function trainOn(backend: string, spec: (typeof SPECS)[number], steps: number, fused?: boolean) {
  expect(await tf.setBackend(backend)).toBe(true);
  const model = withSeededRandom(0, () => buildModel(spec as never));
  const x = inputFor(spec);
  const y = targetFor(model);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new AdamW({ learningRate: 1e-2, ...(fused === undefined ? {} : { fused }) });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push(await trainStep(model, vars, optimizer, getLoss('mse'), x, y, 0, s));
  const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  optimizer.dispose();
  tf.dispose([x, y]);
  return { losses, weights, model };
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![j]!) / (1 + Math.abs(b[i]![j]!))))));
  return worst;
}

describe.skipIf(skip)(`on the tensorflow backend${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    expect(await tf.setBackend('tensorflow')).toBe(true);
  });

  it.each(BLOCKS)('$name passes the conformance kit', async (options) => {
    await tf.setBackend('tensorflow');
    const results = await checkConformance(options);
    expect(tf.getBackend()).toBe('tensorflow');
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it.each(SPECS)('a trained $model model saves and reloads with identical outputs', async (spec) => {
    const { model } = await trainOn('tensorflow', spec, 3);
    const dir = await mkdtemp(join(tmpdir(), 'mlp-blocks-tf-'));
    try {
      await saveModel(model, dir);
      const loaded = await loadModel(dir);
      const x = inputFor(spec);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
      expect(loaded.getWeights().map((w) => w.shape)).toEqual(model.getWeights().map((w) => w.shape));
      tf.dispose([x, a, b]);
      loaded.dispose();
    } finally {
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('AdamW: no native kernel is registered for tensorflow, so it takes the tensor path by default', () => {
    expect(tf.getKernel(FUSED_ADAMW_KERNEL, 'tensorflow')).toBeUndefined();
  });

  it.each(SPECS)('AdamW trains $model for 8 steps on tensorflow: the loss falls and follows the cpu backend', async (spec) => {
    const cpu = await trainOn('cpu', spec, 8);
    const native = await trainOn('tensorflow', spec, 8);
    const before = tf.memory().numTensors;
    const fusedLoop = await trainOn('tensorflow', spec, 8, true); // the one-pass JavaScript update, forced
    fusedLoop.model.dispose();
    expect(tf.memory().numTensors).toBe(before); // nothing left behind by a run
    expect(native.losses.at(-1)!).toBeLessThan(native.losses[0]!);
    // libtensorflow (oneDNN) sums in another order than tfjs's cpu kernels, and Adam's first steps turn a
    // rounding-sized gradient into a full ±lr step (g/√v), so weights are not compared across backends: the
    // losses are, step by step (the PyTorch parity tests compare gradients on tensorflow within 1e-4)
    native.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]!) / cpu.losses[i]!, `step ${i}`).toBeLessThan(1e-3));
    // both update paths of AdamW agree on the same backend
    expect(maxRelDiff(fusedLoop.weights, native.weights)).toBeLessThan(1e-6);
    cpu.model.dispose();
    native.model.dispose();
  });

  it('mlp-blocks info reports tensorflow usable and runs on it when asked', () => {
    const r = run('info', '--json', '--backend', 'tensorflow');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe('tensorflow');
    const tensorflow = info.report.backends.find((b: { name: string }) => b.name === 'tensorflow');
    expect(tensorflow).toMatchObject({ usable: true, version: '4.22.0', detail: 'libtensorflow on the CPU', packageName: '@tensorflow/tfjs-node' });
    expect(info.report.backends.find((b: { name: string }) => b.name === 'cuda')).toMatchObject({ usable: false, kind: 'no-gpu' });
  });
});
