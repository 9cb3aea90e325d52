import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, gelu, geluTanh, getActivation, silu } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const POINTS = [-3, -1, -0.5, 0, 0.5, 1, 3];
const TOL = 1e-6;

/*
 * Exact GELU reference values x·Φ(x) = 0.5·x·(1 + erf(x/√2)), computed in double precision with:
 *   python3 -c "import math; print([repr(0.5*x*(1+math.erf(x/math.sqrt(2)))) for x in [-3,-1,-0.5,0,0.5,1,3]])"
 */
const GELU_EXACT = [
  -0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0.0, 0.34573123063700656, 0.8413447460685429,
  2.99595030590511,
];

/** erf by its Maclaurin series (converges fast for |z| ≤ 3/√2), an independent cross-check of the table above. */
function erfSeries(z: number): number {
  let sum = 0;
  let term = z; // z^(2n+1)·(−1)^n / n!
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-z * z) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function run(fn: (x: tf.Tensor) => tf.Tensor): Float32Array {
  const before = tf.memory().numTensors;
  const x = tf.tensor1d(POINTS);
  const y = fn(x);
  const out = y.dataSync() as Float32Array;
  expect(y.shape).toEqual([POINTS.length]);
  tf.dispose([x, y]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `at x = ${POINTS[i]}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
  }
}

describe('activations', () => {
  it('the hard-coded exact-GELU table agrees with a series erf (sanity check of the reference)', () => {
    const series = POINTS.map((x) => 0.5 * x * (1 + erfSeries(x / Math.SQRT2)));
    for (let i = 0; i < POINTS.length; i++) expect(Math.abs(series[i]! - GELU_EXACT[i]!)).toBeLessThan(1e-12);
  });

  it('gelu is the exact (erf) GELU', () => {
    expectClose(run(gelu), GELU_EXACT, TOL);
  });

  it('gelu differs from the tanh approximation where they differ by more than the tolerance', () => {
    // |gelu − geluTanh| at x = ±1 is about 1.6e-4 in double precision: the exact version must not be the tanh one.
    const exact = run(gelu);
    const approx = run(geluTanh);
    expect(Math.abs(exact[POINTS.indexOf(1)]! - approx[POINTS.indexOf(1)]!)).toBeGreaterThan(1e-5);
  });

  it('geluTanh matches PyTorch approximate="tanh": 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))', () => {
    const ref = POINTS.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    expectClose(run(geluTanh), ref, TOL);
  });

  it('silu is x·sigmoid(x)', () => {
    const ref = POINTS.map((x) => x / (1 + Math.exp(-x)));
    expectClose(run(silu), ref, TOL);
  });

  it('getActivation returns the same functions by name, and relu is max(0, x)', () => {
    expectClose(run(getActivation('relu')), POINTS.map((x) => Math.max(0, x)), TOL);
    expectClose(run(getActivation('gelu')), GELU_EXACT, TOL);
    expectClose(run(getActivation('gelu_tanh')), POINTS.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))), TOL);
    expectClose(run(getActivation('silu')), POINTS.map((x) => x / (1 + Math.exp(-x))), TOL);
    expectClose(run(getActivation('sigmoid')), POINTS.map((x) => 1 / (1 + Math.exp(-x))), TOL);
    expectClose(run(getActivation('tanh')), POINTS.map((x) => Math.tanh(x)), TOL);
    expectClose(run((x) => getActivation('linear')(x).clone()), POINTS, 0);
  });

  it('getActivation("nope") throws a ConfigError naming the value and the option "activation"', () => {
    let err: unknown;
    try {
      getActivation('nope');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).toContain('nope');
    expect(message).toContain('activation');
    expect((err as ConfigError).option).toBe('activation');
    expect((err as ConfigError).received).toBe('nope');
  });

  it('getActivation reports the caller\'s owner and option names', () => {
    expect(() => getActivation('swish', 'MyBlock', 'hiddenActivation')).toThrow(/MyBlock[\s\S]*hiddenActivation[\s\S]*swish/);
    expect(() => getActivation(undefined)).toThrow(ConfigError);
  });
});
