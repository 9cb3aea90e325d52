// The page's own logic in Node: the slice format, the budget search (checked against models really built), the
// ?backend= parsing and backend explanation, the chart's axes and the noisy-input baseline.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { countParams } from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainChoice, requestedBackend, splitAutoReasons } from '../src/backend.js';
import { axisRange } from '../src/chart.js';
import { parseSlice } from '../src/data.js';
import { BUDGETS, buildNetwork, chooseNetwork, type Kind } from '../src/models.js';
import { TestSet } from '../src/trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function slice(train: number, test: number, side: number, magic = 0x314e534d): ArrayBuffer {
  const bytes = new Uint8Array(20 + (train + test) * side * side);
  const view = new DataView(bytes.buffer);
  [magic, train, test, side, side].forEach((v, i) => view.setUint32(4 * i, v, true));
  for (let i = 20; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
  return bytes.buffer;
}

describe('parseSlice', () => {
  it('splits train and test images and scales pixels to [0, 1]', () => {
    const s = parseSlice(slice(3, 2, 4), 'x.bin');
    expect([s.trainCount, s.testCount, s.rows, s.cols]).toEqual([3, 2, 4, 4]);
    expect(s.train).toHaveLength(3 * 16);
    expect(s.test).toHaveLength(2 * 16);
    expect(s.train[0]).toBeCloseTo(((20 * 7) % 256) / 255, 6);
    expect(s.test[0]).toBeCloseTo((((20 + 48) * 7) % 256) / 255, 6);
  });

  it('names the file and the problem for a wrong magic number or size', () => {
    expect(() => parseSlice(slice(1, 1, 4, 0x12345678), 'x.bin')).toThrow('x.bin: magic 0x12345678 is not an MNIST slice');
    expect(() => parseSlice(slice(1, 1, 4).slice(0, 40), 'x.bin')).toThrow('x.bin: 40 bytes, the header promises 52');
    expect(() => parseSlice(new ArrayBuffer(8), 'x.bin')).toThrow('x.bin: 8 bytes, too short');
  });
});

describe('chooseNetwork', () => {
  it.each(['hourglass', 'conventional'] as Kind[])('%s: fits every budget, counts what the built model holds, grows with the budget', (kind) => {
    let previous = 0;
    for (const budget of BUDGETS) {
      const choice = chooseNetwork(kind, budget);
      expect(choice.trainable).toBeLessThanOrEqual(budget);
      expect(choice.trainable).toBeGreaterThan(previous);
      previous = choice.trainable;
      const s = choice.spec;
      if (kind === 'hourglass') expect(Number(s['bottleneck'])).toBeLessThan(Number(s['width']));
      else expect(Number(s['hidden'])).toBeGreaterThan(Number(s['width']));
      const before = tf.memory().numTensors;
      const model = buildNetwork(choice, 0);
      expect(countParams(model).trainable).toBe(choice.trainable);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('says when nothing fits', () => {
    expect(() => chooseNetwork('hourglass', 1000)).toThrow('no hourglass network fits in 1000 trainable parameters');
  });
});

describe('requestedBackend', () => {
  it('reads ?backend=; an unknown value falls back to auto with a notice naming it', () => {
    expect(requestedBackend('')).toEqual({ request: 'auto' });
    expect(requestedBackend('?backend=wasm')).toEqual({ request: 'wasm' });
    expect(requestedBackend('?backend=nonsense')).toEqual({
      request: 'auto',
      notice: '?backend=nonsense is not one of auto, webgpu, wasm; using auto instead.',
    });
  });
});

describe('explaining the backend', () => {
  it('says what auto skipped and why, or that the backend was asked for', () => {
    const why = explainChoice('auto', 'wasm', [{ name: 'webgpu', reason: 'the only adapter is a CPU rasteriser (adapter: google, swiftshader), slower than wasm' }]);
    expect(why).toBe('auto picked wasm; webgpu skipped: the only adapter is a CPU rasteriser (adapter: google, swiftshader), slower than wasm (?backend=webgpu uses it anyway)');
    expect(explainChoice('auto', 'webgpu', [])).toBe('auto picked webgpu, the fastest that started');
    expect(explainChoice('wasm', 'wasm', [])).toBe('asked for with ?backend=wasm');
  });

  it("splits auto's joined failure at backend names only", () => {
    const reasons = splitAutoReasons('webgpu: no adapter; wasm: tfjs could not initialise "wasm": failed; TypeError: Failed to fetch; cpu: not loaded', ['webgpu', 'wasm', 'cpu']);
    expect(reasons).toEqual([
      { name: 'webgpu', reason: 'no adapter' },
      { name: 'wasm', reason: 'tfjs could not initialise "wasm": failed; TypeError: Failed to fetch' },
      { name: 'cpu', reason: 'not loaded' },
    ]);
    expect(splitAutoReasons('auto did not start within 20 s', ['wasm'])).toEqual([{ name: 'auto', reason: 'auto did not start within 20 s' }]);
  });
});

describe('the chart', () => {
  it('never puts an axis below zero, even for values near it', () => {
    const [lo, hi] = axisRange([0.0002, 0.2]);
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.2);
    expect(axisRange([10, 12])[0]).toBeGreaterThan(9); // away from zero it keeps its small margin
  });
});

describe('TestSet', () => {
  it('baseline: the MSE of the noisy test digits against the clean ones, the same noise every time', async () => {
    const s = parseSlice(slice(2, 3, 4), 'x.bin');
    const set = new TestSet(s);
    const { noisy, clean } = await set.first(3);
    const mse = noisy.reduce((sum, v, i) => sum + (v - clean[i]!) ** 2, 0) / noisy.length;
    expect(await set.baselineMse()).toBeCloseTo(mse, 6);
    expect(mse).toBeGreaterThan(0);
    const again = new TestSet(s);
    expect(await again.baselineMse()).toBe(await set.baselineMse());
    set.dispose();
    again.dispose();
  });
});
