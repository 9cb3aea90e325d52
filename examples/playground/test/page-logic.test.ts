// The page's own logic in Node: the slice format, the budget search (checked against models really built) and
// the ?backend= parsing.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { countParams } from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NoBackendError, requestedBackend } from '../src/backend.js';
import { parseSlice } from '../src/data.js';
import { BUDGETS, buildNetwork, chooseNetwork, type Kind } from '../src/models.js';

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
  it('reads ?backend= and rejects unknown values by name', () => {
    expect(requestedBackend('')).toBe('auto');
    expect(requestedBackend('?backend=wasm')).toBe('wasm');
    expect(() => requestedBackend('?backend=cpu')).toThrow(NoBackendError);
    expect(() => requestedBackend('?backend=cpu')).toThrow('?backend=cpu is not one of auto, webgpu, wasm');
  });
});
