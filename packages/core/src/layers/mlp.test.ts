import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import '../register.js';
import { Block } from '../block.js';
import { checkConformance } from '../testing/conformance.js';
import type { Kwargs, Shape } from '../types.js';
import { Dense } from './dense.js';
import { Mlp } from './mlp.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Mlp', () => {
  it('conforms, as a residual branch (units from the input) and with its own output size', async () => {
    await checkConformance({ name: 'Mlp', create: () => new Mlp({ hiddenUnits: 6 }), inputShape: [3, 4] });
    await checkConformance({ name: 'Mlp (units, relu, dropout)', create: () => new Mlp({ hiddenUnits: 6, units: 2, activation: 'relu', dropout: 0.2 }), inputShape: [5] });
  });

  it('computes fc2(act(fc1(x))) (by hand: relu, no bias)', () => {
    const mlp = new Mlp({ hiddenUnits: 2, activation: 'relu', useBias: false });
    mlp.apply(tf.zeros([1, 2]));
    mlp.setWeights([tf.tensor2d([[1, -1], [2, 0]]), tf.tensor2d([[1, 0], [3, 1]])]);
    const y = (mlp.apply(tf.tensor2d([[1, 1]])) as tf.Tensor).arraySync();
    // fc1: [1·1 + 1·2, 1·(−1) + 0] = [3, −1] → relu [3, 0] → fc2: [3, 0]
    expect(y).toEqual([[3, 0]]);
  });

  it('built inline, its weights keep the owner\'s names (as blocks had before they composed it)', () => {
    class Owner extends Block {
      static className = 'MlpBlocks>TestMlpOwner';
      private readonly mlp = this.own(new Mlp({ name: 'mlp', hiddenUnits: 3, layerNames: ['down', 'up'] }));
      override build(shape: Shape | Shape[]): void { this.buildOwned(this.mlp, shape, true); this.built = true; }
      override computeOutputShape(shape: Shape | Shape[]): Shape { return shape as Shape; }
      override call(x: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor { return this.callOwned(this.mlp, x as tf.Tensor, kwargs); }
      protected override blockConfig() { return {}; }
    }
    const input = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: input, outputs: new Owner({ name: 'block_1' }).apply(input) as tfl.SymbolicTensor });
    expect(model.weights.map((w) => w.originalName)).toEqual(['block_1/down/kernel', 'block_1/down/bias', 'block_1/up/kernel', 'block_1/up/bias']);
    model.dispose();
  });

  it('rejects equal layer names', () => {
    expect(() => new Mlp({ hiddenUnits: 2, layerNames: ['a', 'a'] })).toThrow('Mlp: option "layerNames" must be two different names, received ["a","a"]');
  });
});

describe('Dense.callColumns', () => {
  it('equals the whole output split into column groups, activation applied to each', () => {
    const dense = new Dense({ units: 5, activation: 'relu' });
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const whole = dense.apply(x) as tf.Tensor;
    const parts = dense.callColumns(x, [2, 3]);
    const split = tf.split(whole, [2, 3], -1);
    expect(Array.from(parts[0]!.dataSync())).toEqual(Array.from(split[0]!.dataSync()));
    expect(Array.from(parts[1]!.dataSync())).toEqual(Array.from(split[1]!.dataSync()));
    expect(() => dense.callColumns(x, [2, 2])).toThrow('Dense: option "sizes" must be positive column counts summing to units (5), received [2,2]');
    tf.dispose([x, whole, ...parts, ...split]);
    dense.dispose();
  });
});
