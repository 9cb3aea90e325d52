import { DatasetUnavailableError, loadTask, FACTS, datasetId, type LoadTaskOptions } from '@mlp-blocks/datasets';
import type { FitData } from '@mlp-blocks/train';
import { syntheticTask } from './synthetic.js';
import type { DataLoader, DataRequest, TaskSplits } from './tasks.js';

/** The first `limit` examples of a set (its own order), or the set itself when it has no more than that. */
export function firstExamples(data: FitData, limit: number | undefined): FitData {
  if (limit === undefined || limit >= data.size) return data;
  return {
    name: `${data.name}[:${limit}]`, size: limit, inputShape: data.inputShape, targetShape: data.targetShape,
    batch: (indices, epoch) => data.batch(indices, epoch), // indices < limit are the same examples
  };
}

/**
 * One line naming `--dataset` for any failure of @mlp-blocks/datasets. A missing-files error spans many lines
 * (each file with size, hash and URL); its first line and the directory are what a user acts on.
 */
function datasetError(dataset: string, e: unknown): Error {
  const first = ((e as Error)?.message ?? String(e)).split('\n')[0]!.replace(/pass it as dir\b/, 'pass it as --data-dir');
  if (e instanceof DatasetUnavailableError && !/--data-dir/.test(first)) {
    return new Error(`--dataset ${dataset}: ${first}; put the files in ${e.directory} or pass --data-dir DIR (\`mlp-blocks data inspect ${dataset}\` lists them)`);
  }
  return new Error(`--dataset ${dataset}: ${first}`);
}

/**
 * The train / eval / test splits of a task on a named data set of @mlp-blocks/datasets (flattened CHW
 * vectors, the data set's own splits), or on the built-in `synthetic` set. Errors name `--dataset`.
 */
export const loadSplits: DataLoader = async (request: DataRequest): Promise<TaskSplits> => {
  const { task, dataset, sigma, limit, dataDir } = request;
  if (dataset === 'synthetic') {
    const s = syntheticTask(task, sigma);
    return { ...s, train: firstExamples(s.train, limit) };
  }
  const id = datasetId(dataset);
  if (!id) throw new Error(`--dataset: unknown data set "${dataset}"; one of ${[...Object.keys(FACTS), 'synthetic'].join(', ')}`);
  const common: Omit<LoadTaskOptions, 'split'> = {
    dataset: id, task, ...(sigma !== undefined ? { sigma } : {}), ...(dataDir !== undefined ? { dir: dataDir } : {}),
  };
  try {
    const [train, evalSet, test] = await Promise.all([
      loadTask({ ...common, split: 'train' }), loadTask({ ...common, split: 'eval' }), loadTask({ ...common, split: 'test' }),
    ]);
    const [h, w, c] = FACTS[id].shape;
    return { train: firstExamples(train, limit), eval: evalSet, test, imageShape: [h, w, c], layout: 'chw' };
  } catch (e) {
    throw datasetError(dataset, e);
  }
};
