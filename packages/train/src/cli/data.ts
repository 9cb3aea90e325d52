import { syntheticTask } from '../run/synthetic.js';
import type { DataLoader } from '../run/tasks.js';

/**
 * The CLI's data source until @mlp-blocks/datasets is wired in: `synthetic` is built in; the real data sets
 * come from a loader passed to runCli / createProgram.
 */
export const builtinLoader: DataLoader = async ({ task, dataset }) => {
  if (dataset === 'synthetic') return syntheticTask(task);
  throw new Error(`--dataset ${dataset}: this build of mlp-blocks has no loader for it (install @mlp-blocks/datasets and pass its loader); --dataset synthetic works offline`);
};
