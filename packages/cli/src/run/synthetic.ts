import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, mix32 } from '@mlp-blocks/core';
import type { FitData } from '@mlp-blocks/train';
import type { TaskName, TaskSplits } from './tasks.js';

const SIDE = 8;
const PIXELS = SIDE * SIDE;
const CLASSES = 4;
/** Noise of the denoising task, as in the Hourglass paper (σ = 0.25, clamped to [0, 1]). */
const SIGMA = 0.25;

/** One 8×8 image of class `c` in [0, 1]: a horizontal bar, a vertical bar, a blob or a checkerboard. */
function drawImage(c: number, rng: SeededRandom, out: Float32Array, at: number): void {
  const a = rng.uniform(0.6, 1);
  const p = Math.floor(rng.next() * SIDE);
  const q = Math.floor(rng.next() * SIDE);
  for (let r = 0; r < SIDE; r++) {
    for (let k = 0; k < SIDE; k++) {
      let v: number;
      if (c === 0) v = Math.abs(r - p) <= 0.5 ? a : 0.05;
      else if (c === 1) v = Math.abs(k - q) <= 0.5 ? a : 0.05;
      else if (c === 2) v = a * Math.exp(-((r - p) ** 2 + (k - q) ** 2) / 4);
      else v = (r + k + p) % 2 === 0 ? a : 0.1;
      out[at + r * SIDE + k] = v;
    }
  }
}

/** 2×2 average pooling of an 8×8 image into 4×4 (the synthetic stand-in for bicubic downsampling). */
function downsample(src: Float32Array, at: number, out: Float32Array, to: number): void {
  for (let r = 0; r < SIDE / 2; r++) {
    for (let k = 0; k < SIDE / 2; k++) {
      const i = at + 2 * r * SIDE + 2 * k;
      out[to + r * (SIDE / 2) + k] = (src[i]! + src[i + 1]! + src[i + SIDE]! + src[i + SIDE + 1]!) / 4;
    }
  }
}

interface Images {
  pixels: Float32Array;
  labels: Int32Array;
}

function makeImages(n: number, seed: number): Images {
  const rng = new SeededRandom(seed);
  const pixels = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(rng.next() * CLASSES);
    drawImage(labels[i]!, rng, pixels, i * PIXELS);
  }
  return { pixels, labels };
}

function taskSet(name: string, task: TaskName, images: Images, prototypes: Float32Array, noiseSeed: number, sigma: number): FitData {
  const size = images.labels.length;
  const inputDim = task === 'superres' ? PIXELS / 4 : PIXELS;
  const targetDim = task === 'classify' ? CLASSES : PIXELS;
  return {
    name, size, inputShape: [inputDim], targetShape: [targetDim],
    batch(indices, epoch) {
      const n = indices.length;
      const x = new Float32Array(n * inputDim);
      const y = new Float32Array(n * targetDim);
      for (let b = 0; b < n; b++) {
        const i = indices[b]!;
        const at = i * PIXELS;
        if (task === 'superres') downsample(images.pixels, at, x, b * inputDim);
        else x.set(images.pixels.subarray(at, at + PIXELS), b * inputDim);
        if (task === 'denoise') {
          // Fresh noise per (example, epoch), the same whichever batch the example lands in.
          const rng = new SeededRandom(mix32(noiseSeed ^ mix32(i) ^ mix32(epoch + 0x51ed)));
          for (let j = 0; j < inputDim; j++) x[b * inputDim + j] = Math.min(1, Math.max(0, x[b * inputDim + j]! + sigma * rng.normal()));
        }
        if (task === 'classify') y[b * targetDim + images.labels[i]!] = 1;
        else if (task === 'genclass') y.set(prototypes.subarray(images.labels[i]! * PIXELS, (images.labels[i]! + 1) * PIXELS), b * targetDim);
        else y.set(images.pixels.subarray(at, at + PIXELS), b * targetDim);
      }
      return { x: tf.tensor2d(x, [n, inputDim]), y: tf.tensor2d(y, [n, targetDim]) };
    },
  };
}

/** Sizes of the synthetic splits. */
export const SYNTHETIC_SIZES = { train: 512, eval: 128, test: 128 } as const;

/**
 * A small deterministic data set for trying the CLI and for tests: 8×8 grayscale images of four pattern
 * classes (bars, blob, checkerboard), with the four tasks. The images are fixed (seeded 42, like the
 * paper's split seed) so every run sees the same data; `sigma` is the denoising noise (0.25, the paper's).
 */
export function syntheticTask(task: TaskName, sigma = SIGMA): TaskSplits {
  const train = makeImages(SYNTHETIC_SIZES.train, 42);
  const evalSet = makeImages(SYNTHETIC_SIZES.eval, 43);
  const test = makeImages(SYNTHETIC_SIZES.test, 44);
  // Class prototypes: the first training image of each class (as the paper's generative classification).
  const prototypes = new Float32Array(CLASSES * PIXELS);
  for (let c = 0; c < CLASSES; c++) {
    const i = train.labels.indexOf(c);
    prototypes.set(train.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), c * PIXELS);
  }
  return {
    train: taskSet(`synthetic/${task}/train`, task, train, prototypes, 1, sigma),
    eval: taskSet(`synthetic/${task}/eval`, task, evalSet, prototypes, 2, sigma),
    test: taskSet(`synthetic/${task}/test`, task, test, prototypes, 3, sigma),
    imageShape: [SIDE, SIDE, 1],
  };
}
