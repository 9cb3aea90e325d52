import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DropPath, dropPath } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Per row of a [rows, ...] output: 0 if the row is all zeros, 1 if it is all `kept`; throws otherwise. */
function rowMask(values: ArrayLike<number>, rows: number, kept: number): number[] {
  const per = values.length / rows;
  const mask: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: per }, (_, j) => values[r * per + j]!);
    if (row.every((v) => v === 0)) mask.push(0);
    else if (row.every((v) => v === kept)) mask.push(1);
    else throw new Error(`row ${r} is neither all 0 nor all ${kept}: [${row.join(', ')}]`);
  }
  return mask;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('DropPath', () => {
  it('in evaluation (training false or absent) the output is the input exactly', () => {
    const before = tf.memory().numTensors;
    const layer = new DropPath({ rate: 0.5, seed: 3 });
    const x = tf.randomNormal([6, 4, 3], 0, 1, 'float32', 1);
    const xs = Array.from(x.dataSync());
    for (const kwargs of [undefined, { training: false }]) {
      const y = layer.apply(x, kwargs) as tf.Tensor;
      expect(y.shape).toEqual(x.shape);
      expect(Array.from(y.dataSync())).toEqual(xs);
      y.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('training with rate 0.5 on ones [2000, 3]: each row all 0 or all 2, kept fraction in 0.45..0.55', () => {
    const before = tf.memory().numTensors;
    const layer = new DropPath({ rate: 0.5 });
    const x = tf.ones([2000, 3]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    expect(y.shape).toEqual([2000, 3]);
    const mask = rowMask(y.dataSync(), 2000, 2);
    const kept = mask.reduce((a, b) => a + b, 0) / mask.length;
    expect(kept).toBeGreaterThanOrEqual(0.45);
    expect(kept).toBeLessThanOrEqual(0.55);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('drops whole samples of a rank-3 input and scales survivors by 1/(1 − rate)', () => {
    const before = tf.memory().numTensors;
    const layer = new DropPath({ rate: 0.25, seed: 10 });
    const x = tf.ones([400, 5, 2]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const mask = rowMask(y.dataSync(), 400, Math.fround(1 / 0.75));
    const kept = mask.reduce((a, b) => a + b, 0) / mask.length;
    // Binomial(400, 0.75): std ≈ 0.022, so ±0.1 is > 4σ.
    expect(kept).toBeGreaterThan(0.65);
    expect(kept).toBeLessThan(0.85);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the same seed gives the same masks in two fresh layers; successive calls on one layer differ', () => {
    const before = tf.memory().numTensors;
    const x = tf.ones([200, 3]);
    const masks = (layer: DropPath, calls: number): number[][] =>
      Array.from({ length: calls }, () => {
        const y = layer.apply(x, { training: true }) as tf.Tensor;
        const m = rowMask(y.dataSync(), 200, 2);
        y.dispose();
        return m;
      });
    const a = masks(new DropPath({ rate: 0.5, seed: 123 }), 3);
    const b = masks(new DropPath({ rate: 0.5, seed: 123 }), 3);
    expect(b).toEqual(a);
    expect(a[1]).not.toEqual(a[0]);
    expect(a[2]).not.toEqual(a[1]);
    const other = masks(new DropPath({ rate: 0.5, seed: 999 }), 1);
    expect(other[0]).not.toEqual(a[0]);
    // Evaluation calls in between do not consume the seed sequence.
    const c = new DropPath({ rate: 0.5, seed: 123 });
    masks(c, 1);
    const yEval = c.apply(x) as tf.Tensor;
    yEval.dispose();
    expect(masks(c, 1)[0]).toEqual(a[1]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rate 0 is the identity even in training; dropPath() returns its input when not training', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const y = new DropPath({ rate: 0 }).apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(dropPath(x, 0.5, false)).toBe(x);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rate 1 and rate -0.1 throw a ConfigError naming "rate"', () => {
    for (const rate of [1, -0.1, Number.NaN]) {
      const err = configError(() => new DropPath({ rate }));
      expect(err.option).toBe('rate');
      expect(err.message).toContain('"rate"');
      expect(err.message).toContain(String(rate));
    }
  });
});

describe('DropPath seeds do not replay each other', () => {
  it('a layer seeded s + 1 does not repeat the masks of a layer seeded s one call later', () => {
    const x = tf.ones([64, 1]);
    const a = new DropPath({ rate: 0.5, seed: 10 });
    const b = new DropPath({ rate: 0.5, seed: 11 });
    const masksA = [0, 1, 2].map(() => { const y = a.apply(x, { training: true }) as tf.Tensor; const v = Array.from(y.dataSync()); y.dispose(); return v; });
    const masksB = [0, 1].map(() => { const y = b.apply(x, { training: true }) as tf.Tensor; const v = Array.from(y.dataSync()); y.dispose(); return v; });
    expect(masksB[0]).not.toEqual(masksA[1]);
    expect(masksB[1]).not.toEqual(masksA[2]);
    x.dispose();
  });
});
