import { ConfigError, validate } from '@mlp-blocks/core';
import type { ImageSet } from './images.js';
import { DATASET_IDS, datasetId, FACTS } from './sources/catalog.js';
import { SOURCE_OPTION_NAMES, type SourceOptions } from './sources/ensure.js';
import { loadImages } from './sources/load.js';
import { carve } from './split.js';
import { createTask, firstOfEachClass, TASK_OPTION_NAMES, TASKS, type ImageTask, type TaskName, type TaskOptions } from './task.js';

/** The three splits: train and eval are carved with a seed, test is the official test set. */
export const SPLITS = ['train', 'eval', 'test'] as const;
/** One of SPLITS. */
export type SplitName = (typeof SPLITS)[number];

/** Everything `loadTask` takes: which data, which task, which split, and how. */
export interface LoadTaskOptions extends TaskOptions, SourceOptions {
  /** "mnist", "fashion-mnist", "cifar10", "cifar100" or "imagenet32". */
  dataset: string;
  task: TaskName;
  split: SplitName;
  /** Seed of the train/eval carving (default 42, the authors'). */
  splitSeed?: number;
  /** Size of the eval split (default: MNIST and Fashion-MNIST 10 000, CIFAR 5 000, ImageNet-32 25 000). */
  evalSize?: number;
  /**
   * Generative classification: take each class prototype from the training split (default "train", as the
   * paper describes) or from the split being served ("split", what the authors' code does for eval and test).
   */
  prototypes?: 'train' | 'split';
}

const OWNER = 'loadTask';

/** The example indices of each split into the official training / test images. */
export interface SplitPlan {
  readonly part: 'train' | 'test';
  readonly indices: Int32Array;
}

/**
 * Which images a split uses. evalFrom "train": train = perm[:n − evalSize], eval = perm[n − evalSize:] of the
 * training set, test = the test set in order. evalFrom "test": train = the training set in order,
 * eval = perm[:evalSize], test = perm[evalSize:] of the test set. perm = np.random.RandomState(seed).permutation(n).
 */
export function planSplit(split: SplitName, evalFrom: 'train' | 'test', counts: { train: number; test: number }, evalSize: number, seed: number): SplitPlan {
  const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  if (evalFrom === 'train') {
    if (split === 'test') return { part: 'test', indices: identity(counts.test) };
    const c = carve(counts.train, evalSize, seed);
    return { part: 'train', indices: split === 'train' ? c.first : c.second };
  }
  if (split === 'train') return { part: 'train', indices: identity(counts.train) };
  const c = carve(counts.test, counts.test - evalSize, seed);
  return { part: 'test', indices: split === 'eval' ? c.first : c.second };
}

/**
 * Loads a named data set and serves one task on one split:
 *
 *     const data = await loadTask({ dataset: 'mnist', task: 'denoise', split: 'train' });
 *     for await (const { x, y } of iterate(data, { batchSize: 128, epoch })) { ... }
 */
export async function loadTask(options: LoadTaskOptions): Promise<ImageTask> {
  validate.knownOptions(OWNER, options, ['dataset', 'task', 'split', 'splitSeed', 'evalSize', 'prototypes', ...TASK_OPTION_NAMES, ...SOURCE_OPTION_NAMES]);
  const id = datasetId(String(options.dataset ?? ''));
  if (!id) throw new ConfigError(OWNER, 'dataset', `one of ${DATASET_IDS.map((d) => `"${d}"`).join(', ')}`, options.dataset);
  const task = validate.oneOf(OWNER, 'task', options.task, TASKS);
  const split = validate.oneOf(OWNER, 'split', options.split, SPLITS);
  const facts = FACTS[id];
  const splitSeed = validate.seed32(OWNER, 'splitSeed', options.splitSeed ?? 42);
  const evalSize = validate.positiveInt(OWNER, 'evalSize', options.evalSize ?? facts.evalSize);
  const prototypes = validate.oneOf(OWNER, 'prototypes', options.prototypes ?? 'train', ['train', 'split'] as const);
  const source: SourceOptions = pick(options, SOURCE_OPTION_NAMES);
  const taskOptions: TaskOptions = { freshNoise: split === 'train', ...pick(options, TASK_OPTION_NAMES) };

  // Only the parts a split needs are read (an ImageNet-32 eval split never touches the 3.7 GB training set).
  const sets: Partial<Record<'train' | 'test', ImageSet>> = {};
  const get = async (part: 'train' | 'test') => (sets[part] ??= await loadImages(id, part, source));
  const count = async (part: 'train' | 'test') => (await get(part)).count;
  const needed = facts.evalFrom === 'train' ? (split === 'test' ? 'test' : 'train') : (split === 'train' ? 'train' : 'test');
  const counts = { train: needed === 'train' ? await count('train') : facts.train, test: needed === 'test' ? await count('test') : facts.test };
  if (evalSize >= counts[facts.evalFrom]) {
    throw new ConfigError(OWNER, 'evalSize', `smaller than the ${counts[facts.evalFrom]} examples of the ${facts.evalFrom} set`, evalSize);
  }
  const plan = planSplit(split, facts.evalFrom, counts, evalSize, splitSeed);
  const images = await get(plan.part);

  let protos: { prototypes: Int32Array; prototypeImages: ImageSet } | {} = {};
  if (task === 'genclass' && prototypes === 'train') {
    const trainPlan = planSplit('train', facts.evalFrom, { ...counts, train: await count('train') }, evalSize, splitSeed);
    const trainImages = await get('train');
    protos = { prototypes: firstOfEachClass(trainImages, trainPlan.indices), prototypeImages: trainImages };
  }
  return createTask({ name: `${id}/${task}/${split}`, task, images, indices: plan.indices, ...protos }, taskOptions);
}

/** The defined options among `keys`. */
function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

