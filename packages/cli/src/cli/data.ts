import { loadSplits } from '../run/load-data.js';
import type { DataLoader } from '../run/tasks.js';

/** The CLI's default data source: the named sets of @mlp-blocks/datasets, and `synthetic`. */
export const builtinLoader: DataLoader = loadSplits;
