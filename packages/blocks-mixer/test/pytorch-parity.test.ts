// Parity with an independent PyTorch reference: fixtures written by fixtures/make_fixtures.py under Debian's
// python3-torch (fixtures/README.md has the command). Forward within 1e-5, gradients within 1e-4 (relative to
// the largest reference gradient when that exceeds 1).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensorflowSkipReason } from '../../../test-support/tensorflow.js';
import { type Nested, type TorchFixture, assignWeights, loadFixture, maxAbs, maxAbsDiff } from '../fixtures/torch-fixture.js';
import { MixerBlock, ResMlpBlock, TsMixerBlock, mixerClassifier, resMlpClassifier, tsMixerForecaster } from '../src/index.js';

// cpu, and tensorflow (libtensorflow) where it is provisioned; each case sets its backend.
const tensorflowSkip = await tensorflowSkipReason();
const BACKENDS = ['cpu', ...(tensorflowSkip ? [] : ['tensorflow'])];

interface Layerish {
  apply(x: tf.Tensor, kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[] | unknown;
  weights: { originalName: string; shape: (number | null)[]; read(): tf.Tensor; write(t: tf.Tensor): void }[];
  trainableWeights: { originalName: string; read(): tf.Tensor }[];
  dispose(): unknown;
}

interface Case {
  file: string;
  /** Fresh layer or model for the fixture, its weights not yet created. */
  create: (f: TorchFixture) => Layerish;
  /** Prefix of the weight names: the lone block's name, or '' for a model. */
  prefix: string;
  /** Built models already have weights; lone blocks are built by a first call. */
  model: boolean;
}

const c = (f: TorchFixture, key: string) => f.config[key] as number;
const CASES: Case[] = [
  { file: 'mixer_block.json', prefix: 'block/', model: false,
    create: (f) => new MixerBlock({ name: 'block', tokenMlpDim: c(f, 'tokenMlpDim'), channelMlpDim: c(f, 'channelMlpDim') }) },
  { file: 'mixer_block_layerscale.json', prefix: 'block/', model: false,
    create: (f) => new MixerBlock({ name: 'block', tokenMlpDim: c(f, 'tokenMlpDim'), channelMlpDim: c(f, 'channelMlpDim'), layerScale: 0.1 }) },
  { file: 'resmlp_block.json', prefix: 'block/', model: false,
    create: (f) => new ResMlpBlock({ name: 'block', channelMlpDim: c(f, 'channelMlpDim'), layerScale: 0.1 }) },
  { file: 'tsmixer_block_batch.json', prefix: 'block/', model: false,
    create: (f) => new TsMixerBlock({ name: 'block', ffDim: c(f, 'ffDim'), norm: 'batch', dropout: 0 }) },
  { file: 'tsmixer_block_layer.json', prefix: 'block/', model: false,
    create: (f) => new TsMixerBlock({ name: 'block', ffDim: c(f, 'ffDim'), norm: 'layer', dropout: 0 }) },
  { file: 'mixer_classifier.json', prefix: '', model: true, create: (f) => mixerClassifier(f.config as never) as unknown as Layerish },
  { file: 'resmlp_classifier.json', prefix: '', model: true, create: (f) => resMlpClassifier(f.config as never) as unknown as Layerish },
  { file: 'tsmixer_forecaster.json', prefix: '', model: true,
    create: (f) => tsMixerForecaster({ ...(f.config as never as Record<string, number>), norm: 'batch', dropout: 0 } as never) as unknown as Layerish },
];

/** The fixture's layer holding the fixture's weights (and initial running statistics). */
function prepared(k: Case, f: TorchFixture, x: tf.Tensor): Layerish {
  const layer = k.create(f);
  if (!k.model) (layer.apply(x) as tf.Tensor).dispose(); // builds the lone block's weights
  assignWeights(layer, f.weights, k.prefix);
  if (f.buffers_before) assignWeights({ weights: layer.weights.filter((w) => /running_/.test(w.originalName)) }, f.buffers_before, k.prefix);
  return layer;
}

/** d sum(y · probe) / d (every trainable weight, the input), with y the training-mode output. */
function grads(f: TorchFixture, layer: Layerish, x: tf.Tensor): { byName: Map<string, tf.Tensor>; input: tf.Tensor; loss: number } {
  const probe = tf.tensor(f.probe as number[]);
  const loss = (input: tf.Tensor) => {
    const y = layer.apply(input, { training: true }) as tf.Tensor;
    return tf.sum(tf.mul(y, tf.reshape(probe, y.shape))) as tf.Scalar;
  };
  const { value, grads: g } = tf.variableGrads(() => loss(x), layer.trainableWeights.map((w) => w.read() as tf.Variable));
  const byName = new Map(layer.trainableWeights.map((w) => [w.originalName, g[(w.read() as tf.Variable).name]!]));
  const input = tf.grad(loss)(x);
  const lossValue = value.dataSync()[0]!;
  tf.dispose([probe, value]);
  return { byName, input, loss: lossValue };
}

if (tensorflowSkip) describe.skip(`PyTorch parity on tensorflow: ${tensorflowSkip}`, () => {
  it.each(CASES.map((c) => c.file))('%s', () => {});
});
describe.each(BACKENDS.flatMap((backend) => CASES.map((k) => ({ ...k, backend }))))('PyTorch parity on $backend: $file', (k) => {
  const f = loadFixture(k.file);
  beforeAll(async () => {
    expect(await tf.setBackend(k.backend)).toBe(true);
  });

  it('training-mode forward within 1e-5 (and, with batch norm, the running statistics and the evaluation-mode forward)', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor(f.x as number[]);
    const layer = prepared(k, f, x);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDiff(y, f.output)).toBeLessThan(1e-5);
    if (f.buffers_after_train_forward) {
      for (const [name, v] of Object.entries(f.buffers_after_train_forward)) {
        const w = layer.weights.find((w) => w.originalName === k.prefix + name)!;
        expect(maxAbsDiff(w.read(), v), name).toBeLessThan(1e-5);
      }
      const e = layer.apply(x, { training: false }) as tf.Tensor;
      expect(maxAbsDiff(e, f.eval_output!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(e, f.output)).toBeGreaterThan(1e-3); // the two modes really differ
      e.dispose();
    }
    tf.dispose([x, y]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients of sum(y · probe) for every parameter and the input within 1e-4', () => {
    const x = tf.tensor(f.x as number[]);
    const layer = prepared(k, f, x);
    const { byName, input, loss } = grads(f, layer, x);
    expect(Math.abs(loss - f.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(f.loss)));
    expect([...byName.keys()].sort()).toEqual(Object.keys(f.grads).map((n) => k.prefix + n).sort());
    const check = (name: string, ours: tf.Tensor, ref: Nested) => {
      const diff = maxAbsDiff(ours, ref);
      expect(diff, name).toBeLessThan(1e-4 * Math.max(1, maxAbs(ref)));
    };
    for (const [name, ref] of Object.entries(f.grads)) check(name, byName.get(k.prefix + name)!, ref);
    check('input', input, f.input_grad);
    expect(maxAbs(f.input_grad)).toBeGreaterThan(1e-3);
    tf.dispose([x, input, ...byName.values()]);
    layer.dispose();
  });
});
