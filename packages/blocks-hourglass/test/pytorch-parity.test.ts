// Parity with the authors' network in PyTorch: fixtures written by fixtures/make_fixtures.py under Debian's
// python3-torch (see fixtures/README.md for the command). Weights there are [out, in]; tfjs kernels are [in, out].
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conventionalMlp, hourglassMlp } from '../src/index.js';

type Matrix = number[][];
interface Fixture {
  config: { d_in: number; d_z: number; d_h: number; L: number; d_out: number; lift_trainable: boolean };
  weights: { lift: Matrix; blocks: { down: Matrix; up: Matrix }[]; head: Matrix };
  x: Matrix; target: Matrix; train_output: Matrix; eval_output: Matrix;
  running_mean: number[][]; running_var: number[][];
  loss: number;
  grads: { lift: Matrix | null; blocks: { down: Matrix; up: Matrix }[]; head: Matrix };
}

const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Fixture;
const t = (m: Matrix) => tf.tidy(() => tf.transpose(tf.tensor2d(m)));

/** The fixture's network with its weights; a frozen lift becomes a non-trainable dense holding PyTorch's matrix. */
function networkFor(f: Fixture, kind: 'hourglass' | 'conventional'): tfl.Sequential {
  const c = f.config;
  const model = kind === 'hourglass'
    ? hourglassMlp({ inputDim: c.d_in, outputDim: c.d_out, width: c.d_z, bottleneck: c.d_h, depth: c.L, lift: 'trainable' })
    : conventionalMlp({ inputDim: c.d_in, outputDim: c.d_out, hidden: c.d_h, depth: c.L, width: c.d_z, lift: 'trainable' });
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  const set = (name: string, value: tf.Tensor) => {
    const w = byName.get(name);
    if (!w) throw new Error(`no weight ${name}; have ${[...byName.keys()].join(', ')}`);
    w.write(value);
    value.dispose();
  };
  set('lift/kernel', t(f.weights.lift));
  f.weights.blocks.forEach((b, i) => {
    set(`block_${i + 1}/down/kernel`, t(b.down));
    set(`block_${i + 1}/up/kernel`, t(b.up));
  });
  set('head/kernel', t(f.weights.head));
  if (!c.lift_trainable) model.getLayer('lift').trainable = false;
  return model;
}

function maxAbsDiff(a: tf.Tensor, b: Matrix | number[]): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, tf.tensor(b)))).dataSync()[0]!);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases = [
  { file: 'hourglass_small.json', kind: 'hourglass' as const },
  { file: 'hourglass_trainable_lift.json', kind: 'hourglass' as const },
  { file: 'conventional_small.json', kind: 'conventional' as const },
];

describe.each(cases)('PyTorch parity: $file', ({ file, kind }) => {
  const f = load(file);

  it('matches the training-mode output and the updated batch-norm running statistics within 1e-5', () => {
    const model = networkFor(f, kind);
    const x = tf.tensor2d(f.x);
    const y = model.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDiff(y, f.train_output)).toBeLessThan(1e-5);
    f.running_mean.forEach((mean, i) => {
      const block = model.getLayer(`block_${i + 1}`);
      const stats = Object.fromEntries(block.weights.map((w) => [w.originalName.split('/').pop(), w.read()]));
      expect(maxAbsDiff(stats['running_mean']!, mean)).toBeLessThan(1e-5);
      expect(maxAbsDiff(stats['running_var']!, f.running_var[i]!)).toBeLessThan(1e-5);
    });
    // Evaluation mode uses the running statistics the training pass just updated.
    const e = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(e, f.eval_output)).toBeLessThan(1e-5);
    expect(maxAbsDiff(e, f.train_output)).toBeGreaterThan(1e-3); // the two modes really differ
    tf.dispose([x, y, e]);
    model.dispose();
  });

  it('matches the MSE loss and every trainable gradient', () => {
    const model = networkFor(f, kind);
    const x = tf.tensor2d(f.x);
    const target = tf.tensor2d(f.target);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target))) as tf.Scalar, vars);
    expect(Math.abs(value.dataSync()[0]! - f.loss)).toBeLessThan(1e-6);
    const expected: [string, Matrix][] = [
      ...(f.grads.lift ? [['lift/kernel', f.grads.lift] as [string, Matrix]] : []),
      ...f.grads.blocks.flatMap((b, i): [string, Matrix][] => [[`block_${i + 1}/down/kernel`, b.down], [`block_${i + 1}/up/kernel`, b.up]]),
      ['head/kernel', f.grads.head],
    ];
    expect(model.trainableWeights.map((w) => w.originalName).sort()).toEqual(expected.map(([n]) => n).sort());
    for (const [name, g] of expected) {
      const w = model.trainableWeights.find((v) => v.originalName === name)!;
      const ours = grads[(w.read() as tf.Variable).name]!;
      const ref = t(g);
      const scale = tf.tidy(() => tf.max(tf.abs(ref)).dataSync()[0]!);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0]!);
      expect(diff, name).toBeLessThan(1e-5 * Math.max(1, scale));
      ref.dispose();
    }
    tf.dispose([x, target, value, ...Object.values(grads)]);
    model.dispose();
  });
});
