import type { FitData } from '@mlp-blocks/train';

/** The tasks of the Hourglass paper plus plain classification. */
export const TASKS = ['denoise', 'superres', 'genclass', 'classify'] as const;
/** One of TASKS. */
export type TaskName = (typeof TASKS)[number];

/** Data sets the CLI accepts: the named sets of @mlp-blocks/datasets, and a small built-in `synthetic` one. */
export const DATASETS = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'imagenet32', 'synthetic'] as const;

/** The sets a training run needs. */
export interface TaskSplits {
  train: FitData;
  eval: FitData;
  /** Scored once with the best-eval weights, when present. */
  test?: FitData;
  /** [height, width, channels] of one image, for sample grids; inferred from sizes when absent. */
  imageShape?: [number, number, number];
  /** Pixel layout of flattened colour images. Default 'chw' (as ImageNet-32 is stored). */
  layout?: 'chw' | 'hwc';
  /** Frees the sets' memory. */
  dispose?(): void;
}

/** What a data loader is asked for. */
export interface DataRequest {
  task: TaskName;
  dataset: string;
  seed: number;
  /** Denoising noise standard deviation (default 0.25, the paper's). */
  sigma?: number;
  /** Train on the first `limit` examples of the training split only (quick runs); eval and test stay whole. */
  limit?: number;
  /** Read the data set's files from this directory (never downloads); ImageNet-32 needs one. */
  dataDir?: string;
}

/** Loads the splits of a task on a data set; the CLI's pluggable data source. */
export type DataLoader = (request: DataRequest) => Promise<TaskSplits>;

/** Loss and metric of a task: cross-entropy and accuracy for classification, MSE and PSNR otherwise. */
export function taskObjective(task: TaskName): { loss: 'mse' | 'softmaxCrossEntropy'; metric: 'psnr' | 'accuracy' } {
  return task === 'classify' ? { loss: 'softmaxCrossEntropy', metric: 'accuracy' } : { loss: 'mse', metric: 'psnr' };
}
