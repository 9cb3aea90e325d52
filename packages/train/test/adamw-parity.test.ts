// One AdamW training step of the hourglass network against PyTorch's torch.optim.AdamW, using the fixtures
// that packages/blocks-hourglass/fixtures/make_fixtures.py wrote under Debian's python3-torch.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { hourglassMlp } from '@mlp-blocks/hourglass';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, kernel, loadFixture as fixture, namedWeights as named, networkFor as network } from '../../blocks-hourglass/fixtures/torch-fixture.js';
import { AdamW } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(FIXTURES)('AdamW step parity with PyTorch: $file', ({ file, kind }) => {
  it('gives the same weights after one step (within 1e-6; the step moves each weight by about lr)', async () => {
    const f = fixture(file);
    const model = network(f, kind);
    const optimizer = new AdamW({ learningRate: f.config.lr, weightDecay: f.config.weight_decay });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const x = tf.tensor2d(f.x);
    const y = tf.tensor2d(f.target);
    const loss = (await model.trainOnBatch(x, y)) as number;
    expect(Math.abs(loss - f.loss)).toBeLessThan(1e-6);
    const byName = new Map(model.weights.map((w) => [w.originalName, w]));
    for (const [name, after] of named(f.weights_after_step)) {
      const expected = kernel(after);
      const ours = byName.get(name)!.read();
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, expected))).dataSync()[0]!);
      expect(diff, name).toBeLessThan(1e-6);
      expected.dispose();
    }
    // The frozen lift did not move; trainable weights moved by about lr.
    const before = kernel(f.weights.lift);
    const liftMoved = tf.tidy(() => tf.max(tf.abs(tf.sub(byName.get('lift/kernel')!.read(), before))).dataSync()[0]!);
    if (f.config.lift_trainable) expect(liftMoved).toBeGreaterThan(0.5 * f.config.lr);
    else expect(liftMoved).toBe(0);
    tf.dispose([x, y, before]);
    model.dispose();
    optimizer.dispose();
  });
});

describe('AdamW', () => {
  it('matches a hand computation over three steps, weight decay included', () => {
    const p = tf.variable(tf.tensor1d([1, -2]), true, 'adamw_hand_p');
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
    const grads = [[0.5, -1], [0.25, 2], [-1, 0.1]];
    const ref = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    grads.forEach((g, t) => {
      opt.applyGradients({ adamw_hand_p: tf.tensor1d(g) });
      for (let i = 0; i < 2; i++) {
        ref[i] = ref[i]! * (1 - 0.1 * 0.5);
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        const mh = m[i]! / (1 - 0.9 ** (t + 1));
        const vh = v[i]! / (1 - 0.999 ** (t + 1));
        ref[i] = ref[i]! - (0.1 * mh) / (Math.sqrt(vh) + 1e-8);
      }
    });
    const got = Array.from(p.dataSync());
    expect(got[0]).toBeCloseTo(ref[0]!, 6);
    expect(got[1]).toBeCloseTo(ref[1]!, 6);
    p.dispose();
    opt.dispose();
  });

  it('saves and restores its state so a resumed run continues identically', async () => {
    const run = async (split: boolean) => {
      const p = tf.variable(tf.tensor1d([0.3, 0.7]), true, `adamw_resume_${split}`);
      let opt = new AdamW({ learningRate: 0.05 });
      const g = (k: number) => ({ [p.name]: tf.tensor1d([Math.sin(k), Math.cos(k)]) });
      for (let k = 0; k < 3; k++) opt.applyGradients(g(k));
      if (split) {
        const state = await opt.getWeights();
        const copy = state.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) }));
        opt.dispose();
        opt = new AdamW({ learningRate: 0.05 });
        await opt.setWeights(copy);
      }
      for (let k = 3; k < 6; k++) opt.applyGradients(g(k));
      const out = Array.from(p.dataSync());
      p.dispose();
      opt.dispose();
      return out;
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('names bad options', () => {
    expect(() => new AdamW({ learningRate: 0 })).toThrow('AdamW: option "learningRate" must be a positive number, received 0');
    expect(() => new AdamW({ learningRate: 1e-3, weightDecay: -1 })).toThrow('AdamW: option "weightDecay" must be a non-negative number, received -1');
  });

  it('keeps tf.memory().numTensors flat over training steps', async () => {
    const model = hourglassMlp({ inputDim: 6, outputDim: 6, width: 8, bottleneck: 2, depth: 2, lift: 'fixed' });
    const opt = new AdamW({ learningRate: 1e-3 });
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const x = tf.randomUniform([4, 6]);
    for (let i = 0; i < 2; i++) await model.trainOnBatch(x, x);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await model.trainOnBatch(x, x);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
    opt.dispose();
  });
});
