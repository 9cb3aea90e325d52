// Denoising training on the slice: input = clip(clean + σ·N(0, 1), 0, 1), target = clean, MSE loss, Adam.
// Every step runs in tf.tidy; the only tensors that live across steps are the data, the weights and Adam's moments.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { MnistSlice } from './data.js';

/** Training settings shown in the page. */
export const SETTINGS = { sigma: 0.25, batch: 32, learningRate: 2e-3 } as const;

/** PSNR in dB of a mean squared error, for pixels in [0, 1]. */
export const psnrOf = (mse: number): number => 10 * Math.log10(1 / mse);

/**
 * The test digits and one fixed draw of noise on them, made once per page: every network is scored on the same
 * inputs, so successive PSNR values (and networks) compare like with like.
 */
export class TestSet {
  readonly clean: tf.Tensor2D;
  readonly noisy: tf.Tensor2D;

  constructor(slice: MnistSlice, noiseSeed = 1) {
    this.clean = tf.tensor2d(slice.test, [slice.testCount, slice.rows * slice.cols]);
    this.noisy = tf.tidy(() => addNoise(this.clean, noiseSeed));
  }

  /** MSE of the noisy digits against the clean ones: what returning the input unchanged scores. */
  async baselineMse(): Promise<number> {
    const mse = tf.losses.meanSquaredError(this.clean, this.noisy);
    const value = (await mse.data())[0]!;
    mse.dispose();
    return value;
  }

  /** The first `n` digits, noisy and clean (what the digit panel shows before any network exists). */
  async first(n: number): Promise<{ noisy: Float32Array; clean: Float32Array }> {
    const [noisy, clean] = tf.tidy(() => [tf.slice(this.noisy, [0, 0], [n, -1]), tf.slice(this.clean, [0, 0], [n, -1])]);
    const out = { noisy: (await noisy!.data()) as Float32Array, clean: (await clean!.data()) as Float32Array };
    tf.dispose([noisy!, clean!]);
    return out;
  }

  dispose(): void {
    tf.dispose([this.clean, this.noisy]);
  }
}

/** One model, its optimiser and the training data on the active backend; scores on a shared TestSet. */
export class Trainer {
  private readonly train: tf.Tensor2D;
  private readonly optimizer = tf.train.adam(SETTINGS.learningRate);
  private readonly trainCount: number;

  constructor(private readonly model: tfl.Sequential, slice: MnistSlice, private readonly test: TestSet) {
    this.trainCount = slice.trainCount;
    this.train = tf.tensor2d(slice.train, [slice.trainCount, slice.rows * slice.cols]);
  }

  /** One Adam step on a random batch; resolves to its MSE. */
  async step(): Promise<number> {
    const loss = tf.tidy(() => {
      const idx = tf.tensor1d(Int32Array.from({ length: SETTINGS.batch }, () => Math.floor(Math.random() * this.trainCount)), 'int32');
      const clean = tf.gather(this.train, idx);
      const noisy = addNoise(clean);
      return this.optimizer.minimize(() => tf.losses.meanSquaredError(clean, this.model.apply(noisy, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    });
    const value = (await loss.data())[0]!;
    loss.dispose();
    return value;
  }

  /** PSNR (dB, data range 1) of the MSE over all test digits, in evaluation mode. */
  async psnr(): Promise<number> {
    const mse = tf.tidy(() => tf.losses.meanSquaredError(this.test.clean, this.model.apply(this.test.noisy, { training: false }) as tf.Tensor));
    const value = (await mse.data())[0]!;
    mse.dispose();
    return psnrOf(value);
  }

  /** The first `n` test digits: noisy input, the model's output and the clean target. */
  async samples(n: number): Promise<{ noisy: Float32Array; denoised: Float32Array; clean: Float32Array }> {
    const [noisy, denoised, clean] = tf.tidy(() => {
      const x = tf.slice(this.test.noisy, [0, 0], [n, -1]);
      return [x, this.model.apply(x, { training: false }) as tf.Tensor, tf.slice(this.test.clean, [0, 0], [n, -1])];
    });
    const out = { noisy: (await noisy.data()) as Float32Array, denoised: (await denoised.data()) as Float32Array, clean: (await clean.data()) as Float32Array };
    tf.dispose([noisy, denoised, clean]);
    return out;
  }

  /** Frees the training data, the optimiser's moments and the model (not the shared TestSet). */
  dispose(): void {
    this.train.dispose();
    this.optimizer.dispose();
    this.model.dispose();
  }
}

function addNoise(clean: tf.Tensor2D, seed?: number): tf.Tensor2D {
  return tf.clipByValue(tf.add(clean, tf.randomNormal(clean.shape, 0, SETTINGS.sigma, 'float32', seed)), 0, 1) as tf.Tensor2D;
}
