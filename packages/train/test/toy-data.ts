// A small deterministic denoising set for the fit tests (the CLI's data sets live in @mlp-blocks/cli):
// 8×8 images of soft random blobs in [0, 1], inputs with fixed Gaussian noise (σ 0.25, clamped), targets clean.
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@mlp-blocks/core';
import { type FitData, arrayData } from '../src/index.js';

function images(n: number, seed: number): { clean: Float32Array; noisy: Float32Array } {
  const rng = new SeededRandom(seed);
  const clean = new Float32Array(n * 64);
  const noisy = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const [p, q, a] = [rng.uniform(0, 8), rng.uniform(0, 8), rng.uniform(0.6, 1)];
    for (let j = 0; j < 64; j++) {
      const v = a * Math.exp(-(((j >> 3) - p) ** 2 + ((j & 7) - q) ** 2) / 6);
      clean[i * 64 + j] = v;
      noisy[i * 64 + j] = Math.min(1, Math.max(0, v + 0.25 * rng.normal()));
    }
  }
  return { clean, noisy };
}

function split(name: string, n: number, seed: number): FitData {
  const { clean, noisy } = images(n, seed);
  return arrayData(tf.tensor2d(noisy, [n, 64]), tf.tensor2d(clean, [n, 64]), name);
}

/** 512 training and 128 eval examples of 64 values (the sizes the fit tests count steps with). */
export function toyDenoise(): { train: FitData; eval: FitData } {
  return { train: split('toy/train', 512, 42), eval: split('toy/eval', 128, 43) };
}
