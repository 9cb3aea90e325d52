// The cross-gating block takes two inputs, which the conformance kit does not cover: its config round trip,
// shapes, errors, gradients to every weight and use inside tf.model are tested here.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrossGatingBlock } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const args = { features: 4, blockSize: 2, gridSize: [2, 2] as [number, number] };

describe('CrossGatingBlock', () => {
  it('outputs x (or [x, y] with returnY) at x\'s resolution with `features` channels', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 6, 4, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([2, 3, 2, 5], 0, 1, 'float32', 2);
    const one = new CrossGatingBlock(args);
    const out = one.apply([x, y]) as tf.Tensor;
    expect(out.shape).toEqual([2, 6, 4, 4]);
    expect(one.computeOutputShape([[null, 6, 4, 3], [null, 3, 2, 5]])).toEqual([null, 6, 4, 4]);
    const both = new CrossGatingBlock({ ...args, returnY: true });
    const outs = both.apply([x, y]) as tf.Tensor[];
    expect(outs.map((t) => t.shape)).toEqual([[2, 6, 4, 4], [2, 6, 4, 4]]);
    const same = new CrossGatingBlock({ ...args, upsampleY: false });
    const z = tf.zeros([2, 6, 4, 2]);
    const sameOut = same.apply([x, z]) as tf.Tensor;
    expect(sameOut.shape).toEqual([2, 6, 4, 4]);
    tf.dispose([x, y, z, out, ...outs, sameOut]);
    for (const l of [one, both, same]) l.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a y that is not at half the resolution of x, naming both shapes', () => {
    const block = new CrossGatingBlock(args);
    expect(() => block.build([[null, 6, 4, 3], [null, 6, 4, 3]])).toThrow(ShapeError);
    expect(() => block.build([[null, 6, 4, 3], [null, 6, 4, 3]])).toThrow(/y \[null, 6, 4, 3\] must have half the height and width as x \[null, 6, 4, 3\] \(upsampleY\)/);
    expect(() => block.build([null, 6, 4, 3])).toThrow(/expects two inputs \[x, y\]/);
  });

  it('round-trips its config and sends gradients to every weight inside tf.model', () => {
    const block = new CrossGatingBlock({ ...args, name: 'cg', returnY: true });
    const config = block.getConfig();
    const again = new CrossGatingBlock(config as never);
    expect(again.getConfig()).toEqual(config);
    const xi = tfl.input({ shape: [6, 4, 3] });
    const yi = tfl.input({ shape: [3, 2, 5] });
    const outs = block.apply([xi, yi]) as tfl.SymbolicTensor[];
    const model = tfl.model({ inputs: [xi, yi], outputs: outs });
    const x = tf.randomNormal([2, 6, 4, 3], 0, 1, 'float32', 3);
    const y = tf.randomNormal([2, 3, 2, 5], 0, 1, 'float32', 4);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      const [a, b] = model.apply([x, y], { training: true }) as tf.Tensor[];
      return tf.add(tf.sum(tf.square(a!)), tf.sum(b!)) as tf.Scalar;
    }, vars);
    // up, conv_x, conv_y, 2 × (norm, in_project, 5 in the gating weights), out_project_y, out_project_x: 19 kernels and biases.
    expect(vars.length).toBe(38);
    for (const w of model.trainableWeights) {
      const g = grads[(w.read() as tf.Variable).name]!;
      expect(tf.max(tf.abs(g)).dataSync()[0], w.originalName).toBeGreaterThan(0);
    }
    tf.dispose([x, y, value, ...Object.values(grads)]);
    model.dispose();
  });
});
