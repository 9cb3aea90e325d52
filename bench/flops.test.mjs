// The FLOP count the suite reports against hand counts: single kernels of every layout, a two-layer dense
// training step, and workload 1 (the hourglass network) counted in closed form from its shapes. No timing here.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSeeded } from '@mlp-blocks/cli';
import { AdamW, mse, trainStep } from '@mlp-blocks/train';
import { countStepFlops, kernelFlops } from './flops.mjs';
import { BATCH, makeBatch, workload } from './workloads.mjs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  tf.disposeVariables();
});

describe('kernelFlops', () => {
  const k = (name, inputShapes, outputShapes) => kernelFlops({ name, inputShapes, outputShapes });
  it('a product is 2·m·n·k, whichever side comes transposed, times the batch', () => {
    expect(k('BatchMatMul', [[2, 3], [3, 4]], [[2, 4]])).toBe(2 * 2 * 4 * 3);
    expect(k('BatchMatMul', [[3, 2], [3, 4]], [[2, 4]])).toBe(2 * 2 * 4 * 3); // aᵀ·b
    expect(k('BatchMatMul', [[2, 3], [4, 3]], [[2, 4]])).toBe(2 * 2 * 4 * 3); // a·bᵀ
    expect(k('BatchMatMul', [[5, 2, 3], [5, 3, 4]], [[5, 2, 4]])).toBe(5 * 48);
    expect(k('_FusedMatMul', [[128, 784], [784, 1150], [1150]], [[128, 1150]])).toBe(2 * 128 * 1150 * 784);
    expect(k('BatchMatMul', [[3, 3], [3, 3]], [[3, 3]])).toBe(54);
  });
  it('a convolution and its two gradients are 2·(output elements)·kh·kw·inChannels each', () => {
    const forward = 2 * (8 * 7 * 7 * 128) * 4 * 4 * 3; // 28×28×3 input, 4×4 patches (stride 4), 128 channels
    expect(k('Conv2D', [[8, 28, 28, 3], [4, 4, 3, 128]], [[8, 7, 7, 128]])).toBe(forward);
    expect(k('Conv2DBackpropFilter', [[8, 28, 28, 3], [8, 7, 7, 128]], [[4, 4, 3, 128]])).toBe(forward);
    expect(k('Conv2DBackpropInput', [[8, 7, 7, 128], [4, 4, 3, 128]], [[8, 28, 28, 3]])).toBe(forward);
  });
  it('everything else is not counted', () => {
    expect(k('Add', [[2, 3], [2, 3]], [[2, 3]])).toBe(0);
    expect(k('Sum', [[128, 1150]], [[1150]])).toBe(0);
  });
});

describe('countStepFlops', () => {
  it('a dense 16 → 32 → 4 training step: forward, both weight gradients, both input gradients', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 32, inputShape: [16] }), tfl.layers.dense({ units: 4 })] });
    const x = tf.randomNormal([8, 16], 0, 1, 'float32', 1);
    const y = tf.randomNormal([8, 4], 0, 1, 'float32', 2);
    const vars = model.trainableWeights.map((v) => v.read());
    const opt = new AdamW({ learningRate: 1e-3 });
    const { flops, products } = await countStepFlops(() => trainStep(model, vars, opt, mse, x, y, 0, 0));
    // forward 2·8·16·32 + 2·8·32·4; backward: dW2 2·32·8·4, dX2 2·8·4·32, dW1 2·16·8·32, and dX1 2·8·32·16:
    // tfjs's tape computes the first layer's input gradient too, though x is no variable (it runs, so it counts).
    expect(flops).toBe(8192 + 2048 + 2048 + 2048 + 8192 + 8192);
    expect(products).toBe(6);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });

  it('workload 1 (hourglass, batch 128) matches its closed form', async () => {
    const w = workload(1);
    const model = buildSeeded(w.spec, 0);
    const { x, y } = makeBatch(w);
    const vars = model.trainableWeights.map((v) => v.read());
    const opt = new AdamW({ learningRate: 1e-3 });
    const { flops } = await countStepFlops(() => trainStep(model, vars, opt, mse, x, y, 0, 0));
    // Multiply-adds per example: the fixed lift 784·1150 runs forward only (no weight gradient, no input
    // gradient); 10 blocks of 1150 → 115 → 1150 and the head 1150 → 784 run forward, weight gradient and
    // input gradient: 3 × (10·2·1150·115 + 1150·784).
    const lift = 784 * 1150;
    const trained = 10 * 2 * 1150 * 115 + 1150 * 784;
    expect(flops).toBe(2 * BATCH * (lift + 3 * trained));
    expect(flops / 1e9).toBeCloseTo(2.955, 3);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });
});
