import { join } from 'node:path';
import envPaths from 'env-paths';

/**
 * The cache root: $MLP_BLOCKS_CACHE if set, else the user cache directory (~/.cache/mlp-blocks on Linux,
 * ~/Library/Caches/mlp-blocks on macOS, %LOCALAPPDATA%\mlp-blocks\Cache on Windows).
 */
export function cacheRoot(): string {
  const env = process.env['MLP_BLOCKS_CACHE'];
  return env && env.trim() !== '' ? env : envPaths('mlp-blocks', { suffix: '' }).cache;
}

/** Where a data set's downloaded files live: <cache root>/<data set id>/<file name as published>. */
export function datasetCacheDir(dataset: string, root = cacheRoot()): string {
  return join(root, dataset);
}
