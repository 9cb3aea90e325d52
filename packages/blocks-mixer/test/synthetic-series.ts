// A seeded multivariate series for the TSMixer learning test: seasonal signals, with the second and third
// variables following the first ones after a lag (so forecasting one needs the others' past), plus noise.
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, seededTensor } from '@mlp-blocks/core';
import type * as tfl from '@tensorflow/tfjs-layers';

export const FEATURES = 3;

/** values[t][f], t = 0 … length − 1. */
export function synthSeries(length: number, seed: number, noise = 0.05): number[][] {
  const rng = new SeededRandom(seed);
  const tau = 2 * Math.PI;
  const x: number[][] = [];
  for (let t = 0; t < length; t++) {
    const x0 = Math.sin((tau * t) / 24) + 0.5 * Math.sin((tau * t) / 7 + 1);
    // Cross-feature lags: x1 echoes x0 three steps late, x2 echoes x1 five steps late (inverted).
    const x1 = t >= 3 ? 0.8 * x[t - 3]![0]! + 0.3 * Math.sin((tau * t) / 11) : 0;
    const x2 = t >= 5 ? -x[t - 5]![1]! + 0.2 * Math.cos((tau * t) / 17) : 0;
    x.push([x0 + noise * rng.normal(), x1 + noise * rng.normal(), x2 + noise * rng.normal()]);
  }
  return x;
}

/** All windows (input [T, C], target [H, C]) whose span lies in [from, to). */
export function windows(series: number[][], from: number, to: number, inputLength: number, horizon: number): { x: tf.Tensor3D; y: tf.Tensor3D } {
  const xs: number[][][] = [];
  const ys: number[][][] = [];
  for (let s = from; s + inputLength + horizon <= to; s++) {
    xs.push(series.slice(s, s + inputLength));
    ys.push(series.slice(s + inputLength, s + inputLength + horizon));
  }
  return { x: tf.tensor3d(xs), y: tf.tensor3d(ys) };
}

/** The naive forecast: the last observed value of each variable, repeated over the horizon. */
export function lastValueForecast(x: tf.Tensor3D, horizon: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t, c] = x.shape;
    return tf.tile(tf.slice(x, [0, t - 1, 0], [b, 1, c]), [1, horizon, 1]) as tf.Tensor3D;
  });
}

export function mse(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(a, b))).dataSync()[0]!);
}

/**
 * Re-draws every kernel from a seeded Glorot-uniform (tfjs initialisers are not seedable per layer), so the
 * test is the same run every time; biases and norm parameters keep their fixed initial values.
 */
export function seedKernels(model: tfl.LayersModel, seed: number): void {
  model.trainableWeights.forEach((w, i) => {
    if (w.shape.length !== 2) return;
    const [fanIn, fanOut] = w.shape as [number, number];
    const t = seededTensor(seed + i, [fanIn, fanOut], 'uniform', Math.sqrt(6 / (fanIn + fanOut)));
    w.write(t);
    t.dispose();
  });
}
