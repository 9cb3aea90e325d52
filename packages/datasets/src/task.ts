// The four tasks of the Hourglass paper's experiments (and plain classification) as TaskData: each example is a
// base image (optionally flipped), turned into an (input, target) pair on demand, batch by batch.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, validate } from '@mlp-blocks/core';
import { bicubicResampler, halfSize } from './bicubic.js';
import type { ImageSet } from './images.js';
import { fillNoise } from './noise.js';
import type { TaskData } from './task-data.js';

/** Task names: denoising, ×2 super-resolution, generative classification, classification. */
export const TASKS = ['denoise', 'superres', 'genclass', 'classify'] as const;
/** One of TASKS. */
export type TaskName = (typeof TASKS)[number];

/** How a task turns images into examples. */
export interface TaskOptions {
  /** Denoising noise standard deviation (default 0.25). */
  sigma?: number;
  /** Seed of the denoising noise (default 42). */
  seed?: number;
  /** Flattened CHW vectors (default true), else [H, W, C] images. */
  flatten?: boolean;
  /**
   * Flip augmentation (default false = ×1): true or 4 = {identity, horizontal, vertical, both} (×4);
   * 2 = {identity, both} (×2). Example e is flip ⌊e / n⌋ of image e mod n, as in the authors' code.
   */
  augment?: boolean | 1 | 2 | 4;
  /** Classification targets: "onehot" (default, float32 [K]) or "int" (int32 scalar). */
  labels?: 'onehot' | 'int';
  /** Draw new denoising noise every epoch (default true); false draws it once per example (stable scores). */
  freshNoise?: boolean;
}

/** The option names `createTask` accepts. */
export const TASK_OPTION_NAMES = ['sigma', 'seed', 'flatten', 'augment', 'labels', 'freshNoise'] as const;

/** Where a task's examples come from. */
export interface TaskSource {
  /** Name reported by the TaskData, e.g. "mnist/denoise/train". */
  name: string;
  task: TaskName;
  /** The images the examples are drawn from. */
  images: ImageSet;
  /** Indices into `images` of the split's examples, in split order (default: all of them, in order). */
  indices?: Int32Array;
  /**
   * Generative classification only: the prototype of each class, as indices into `prototypeImages` (default:
   * the first image of each class in this split's order).
   */
  prototypes?: Int32Array;
  /** The image set the prototype indices point into (default `images`). */
  prototypeImages?: ImageSet;
}

/** A TaskData with the facts it was built from. */
export interface ImageTask extends TaskData {
  readonly task: TaskName;
  /** Examples before augmentation. */
  readonly baseSize: number;
  /** Augmentation factor: 1, 2 or 4. */
  readonly augment: 1 | 2 | 4;
  readonly classes: number;
  /** Base-image index (into the source ImageSet) and flip of example e. */
  locate(e: number): { image: number; flip: Flip };
}

/** A flip: none, horizontal (mirror columns), vertical (mirror rows) or both. */
export type Flip = 'none' | 'horizontal' | 'vertical' | 'both';

const FLIPS: Record<1 | 2 | 4, readonly Flip[]> = {
  1: ['none'],
  2: ['none', 'both'],
  4: ['none', 'horizontal', 'vertical', 'both'],
};

/** uint8 → [0, 1] as torchvision's ToTensor computes it (a float32 division by 255). */
const TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** The first image of each class in `order` (indices into `images`); -1 for a class that never occurs. */
export function firstOfEachClass(images: ImageSet, order: ArrayLike<number>): Int32Array {
  const first = new Int32Array(images.classes).fill(-1);
  let missing = images.classes;
  for (let j = 0; j < order.length && missing > 0; j++) {
    const i = order[j]!;
    const label = images.labels[i]!;
    if (first[label] === -1) {
      first[label] = i;
      missing--;
    }
  }
  return first;
}

/** Builds a task's examples over an image set; `loadTask` does this for the named data sets. */
export function createTask(source: TaskSource, options: TaskOptions = {}): ImageTask {
  const owner = `createTask(${source.name})`;
  validate.knownOptions(owner, options, TASK_OPTION_NAMES);
  const task = validate.oneOf(owner, 'task', source.task, TASKS);
  const sigma = options.sigma ?? 0.25;
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma < 0) throw new ConfigError(owner, 'sigma', 'a finite number ≥ 0', sigma);
  const seed = validate.seed32(owner, 'seed', options.seed ?? 42);
  const flatten = validate.boolean(owner, 'flatten', options.flatten ?? true);
  const augment = augmentFactor(owner, options.augment ?? false);
  const labelMode = validate.oneOf(owner, 'labels', options.labels ?? 'onehot', ['onehot', 'int'] as const);
  const freshNoise = validate.boolean(owner, 'freshNoise', options.freshNoise ?? true);

  const images = source.images;
  const indices = source.indices ?? Int32Array.from({ length: images.count }, (_, i) => i);
  for (const i of indices) if (!(i >= 0 && i < images.count)) throw new RangeError(`${owner}: split index ${i} outside [0, ${images.count})`);
  const { channels: C, height: H, width: W } = images;
  const pixels = C * H * W;
  const n = indices.length;
  const size = n * augment;

  let protoValues: Float32Array | null = null;
  if (task === 'genclass') {
    const protoImages = source.prototypeImages ?? images;
    const protos = source.prototypes ?? firstOfEachClass(images, indices);
    if (protoImages.channels !== C || protoImages.height !== H || protoImages.width !== W) {
      throw new RangeError(`${owner}: prototype images are ${protoImages.channels}×${protoImages.height}×${protoImages.width}, examples ${C}×${H}×${W}`);
    }
    protoValues = new Float32Array(images.classes * pixels);
    for (let c = 0; c < images.classes; c++) {
      const p = protos[c] ?? -1;
      if (p < 0) continue; // a class with no prototype is only an error if one of its images is asked for
      const px = protoImages.pixels(p);
      for (let k = 0; k < pixels; k++) protoValues[c * pixels + k] = TO_UNIT[px[k]!]!;
    }
    const present = new Set(Array.from(protos, (p, c) => (p >= 0 ? c : -1)));
    for (const i of indices) {
      const label = images.labels[i]!;
      if (!present.has(label)) throw new RangeError(`${owner}: class ${label} has no prototype (no example of it in the prototype split)`);
    }
  }

  const [h2, w2] = halfSize(H, W);
  if (task === 'superres' && (h2 === 0 || w2 === 0)) throw new RangeError(`${owner}: images of ${H}×${W} are too small to halve`);
  const resample = task === 'superres' ? bicubicResampler(C, H, W, h2, w2) : null;
  const inputPixels = task === 'superres' ? C * h2 * w2 : pixels;
  const imageShape = (h: number, w: number) => (flatten ? [C * h * w] : [h, w, C]);
  const inputShape = task === 'superres' ? imageShape(h2, w2) : imageShape(H, W);
  const targetShape = task === 'classify' ? (labelMode === 'int' ? [] : [images.classes]) : imageShape(H, W);
  const targetPixels = task === 'classify' ? (labelMode === 'int' ? 1 : images.classes) : pixels;
  const flips = FLIPS[augment];

  const locate = (e: number) => ({ image: indices[e % n]!, flip: flips[Math.floor(e / n)]! });
  const scratch = new Float32Array(pixels);

  /** The (flipped) image of example e as [0, 1] floats, CHW, into `out` at `offset`. */
  const readImage = (e: number, out: Float32Array, offset: number) => {
    const { image, flip } = locate(e);
    const px = images.pixels(image);
    const flipRows = flip === 'vertical' || flip === 'both';
    const flipCols = flip === 'horizontal' || flip === 'both';
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        const src = c * H * W + (flipRows ? H - 1 - y : y) * W;
        const dst = offset + c * H * W + y * W;
        if (flipCols) for (let x = 0; x < W; x++) out[dst + x] = TO_UNIT[px[src + W - 1 - x]!]!;
        else for (let x = 0; x < W; x++) out[dst + x] = TO_UNIT[px[src + x]!]!;
      }
    }
    return image;
  };

  return {
    name: source.name,
    size,
    inputShape,
    targetShape,
    task,
    baseSize: n,
    augment,
    classes: images.classes,
    locate(e: number) {
      checkIndex(owner, e, size);
      return locate(e);
    },
    batch(batchIndices: ArrayLike<number>, epoch: number) {
      validate.nonNegativeInt(owner, 'epoch', epoch);
      const B = batchIndices.length;
      if (B === 0) throw new ConfigError(owner, 'indices', 'a non-empty list of example indices', []);
      const x = new Float32Array(B * inputPixels);
      const intLabels = task === 'classify' && labelMode === 'int';
      const y = intLabels ? new Int32Array(B) : new Float32Array(B * targetPixels);
      for (let b = 0; b < B; b++) {
        const e = batchIndices[b]!;
        checkIndex(owner, e, size);
        if (task === 'denoise') {
          const target = y as Float32Array;
          readImage(e, target, b * pixels);
          fillNoise(x, b * pixels, pixels, sigma, seed, freshNoise ? epoch : 0, e);
          for (let k = b * pixels; k < (b + 1) * pixels; k++) x[k] = Math.min(1, Math.max(0, target[k]! + x[k]!));
        } else if (task === 'superres') {
          readImage(e, y as Float32Array, b * pixels);
          resample!(y, x, b * pixels, b * inputPixels);
        } else {
          const image = readImage(e, x, b * pixels);
          const label = images.labels[image]!;
          if (task === 'genclass') (y as Float32Array).set(protoValues!.subarray(label * pixels, (label + 1) * pixels), b * pixels);
          else if (intLabels) y[b] = label;
          else y[b * targetPixels + label] = 1;
        }
      }
      const toLayout = (v: Float32Array, h: number, w: number) => (flatten || C === 1 ? v : chwToHwc(v, B, C, h, w, scratch));
      const xs = task === 'superres' ? toLayout(x, h2, w2) : toLayout(x, H, W);
      const ys = task === 'classify' ? y : toLayout(y as Float32Array, H, W);
      return {
        x: tf.tensor(xs, [B, ...inputShape], 'float32'),
        y: tf.tensor(ys, [B, ...targetShape], intLabels ? 'int32' : 'float32'),
      };
    },
  };
}

function augmentFactor(owner: string, value: unknown): 1 | 2 | 4 {
  if (value === false || value === 1) return 1;
  if (value === true || value === 4) return 4;
  if (value === 2) return 2;
  throw new ConfigError(owner, 'augment', 'false, true, 1, 2 or 4', value);
}

function checkIndex(owner: string, e: number, size: number): void {
  if (!(Number.isInteger(e) && e >= 0 && e < size)) {
    throw new ConfigError(owner, 'indices', `integers in [0, ${size})`, e, `${owner}: example index ${String(e)} is outside [0, ${size})`);
  }
}

/** Rearranges B images from CHW to HWC (in place through a scratch buffer of one image). */
function chwToHwc(v: Float32Array, B: number, C: number, H: number, W: number, scratch: Float32Array): Float32Array {
  const size = C * H * W;
  for (let b = 0; b < B; b++) {
    const base = b * size;
    scratch.set(v.subarray(base, base + size));
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) v[base + p * C + c] = scratch[c * H * W + p]!;
    }
  }
  return v;
}
