/** The npm name of this package. */
export const packageName = '@mlp-blocks/datasets';

// Loading the paper's tasks and iterating over them.

export type { TaskData } from './task-data.js';
export { loadTask, planSplit, SPLITS, type LoadTaskOptions, type SplitName, type SplitPlan } from './load-task.js';
export { createTask, firstOfEachClass, TASKS, type Flip, type ImageTask, type TaskName, type TaskOptions, type TaskSource } from './task.js';
export { iterate, epochOrder, batchCount, type Batch, type IterateOptions } from './iterate.js';
export { inspectDataset, type DatasetInfo, type FileInfo } from './inspect.js';
// Errors, readers and building blocks.
export { DataFormatError, ChecksumError, DatasetUnavailableError, type FormatProblem, type MissingFile } from './errors.js';
export { imageSet, type ImageSet, type ImageChunk, type ImageSetInit } from './images.js';
export { parseIdx, type IdxArray, type IdxType } from './formats/idx.js';
export { idxImageSet } from './formats/idx-images.js';
export { parseCifarBatch, cifarImageSet, type CifarBatch, type CifarVariant } from './formats/cifar.js';
export { parseNpy, type NpyArray } from './formats/npy.js';
export { readNpz } from './formats/npz.js';
export { readTarMembers } from './formats/tar.js';
export { DEFAULT_MAX_INFLATED_BYTES, type ReadLimits } from './formats/limits.js';
export { bicubicResampler, bicubicResize, halfSize } from './bicubic.js';
export { numpyPermutation, carve, MT19937 } from './split.js';
export { exampleSeed } from './noise.js';
export { DATASET_IDS, FACTS, datasetId, type DatasetFacts, type DatasetId } from './sources/catalog.js';
export { cacheRoot, datasetCacheDir } from './sources/cache.js';
export { ensureFiles, type FileSpec, type SourceOptions } from './sources/ensure.js';
export { downloadVerified, DownloadError, type DownloadOptions, type DownloadProgress } from './sources/download.js';
export { loadImages, readCifarArchive, readImagenet32Npz, type Part } from './sources/load.js';
