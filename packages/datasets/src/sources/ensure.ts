import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ChecksumError, DatasetUnavailableError, type MissingFile } from '../errors.js';
import { datasetCacheDir } from './cache.js';
import { DownloadError, downloadVerified, type DownloadOptions } from './download.js';
import { sha256File } from './hash.js';

/** A published file: its name, size, SHA-256 and where it can be downloaded (in order of preference). */
export interface FileSpec {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly urls: readonly string[];
}

/** Where data set files come from. */
export interface SourceOptions extends DownloadOptions {
  /** Read the published files from this directory instead of the cache; nothing is downloaded. */
  dir?: string;
  /** Cache root (default $MLP_BLOCKS_CACHE, else the user cache directory). */
  cacheDir?: string;
  /** Download missing files into the cache (default true unless $MLP_BLOCKS_OFFLINE is set). */
  download?: boolean;
  /** Base URL of a mirror serving the published file names; tried before the canonical locations. */
  mirror?: string;
}

/** The source option names. */
export const SOURCE_OPTION_NAMES = ['dir', 'cacheDir', 'download', 'mirror', 'progress', 'idleTimeoutMs', 'fetch'] as const;

/** Whether a path exists (any kind of entry). */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

function missing(spec: FileSpec, mirror?: string): MissingFile {
  return { name: spec.name, bytes: spec.bytes, sha256: spec.sha256, url: urlsFor(spec, mirror)[0]! };
}

function urlsFor(spec: FileSpec, mirror?: string): string[] {
  return mirror ? [`${mirror.replace(/\/+$/, '')}/${spec.name}`, ...spec.urls] : [...spec.urls];
}

/** Checks a file's SHA-256; `where` says what to do about a mismatch. */
async function verify(path: string, spec: FileSpec, note: string): Promise<void> {
  const actual = await sha256File(path);
  if (actual !== spec.sha256) throw new ChecksumError(path, spec.sha256, actual, note);
}

/**
 * Makes the files of a data set available and verified, returning their paths by name. With `dir`, the files
 * must already be there. Otherwise they come from the cache, where a file that fails verification is deleted
 * and downloaded again; missing files are downloaded unless downloads are off. When a file can be neither
 * found nor downloaded, a DatasetUnavailableError lists every file still needed and where to put it.
 */
export async function ensureFiles(dataset: string, specs: readonly FileSpec[], options: SourceOptions = {}): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  if (options.dir !== undefined) {
    const absent: MissingFile[] = [];
    for (const spec of specs) {
      const path = join(options.dir, spec.name);
      if (!(await exists(path))) absent.push(missing(spec));
      else paths.set(spec.name, path);
    }
    if (absent.length) throw new DatasetUnavailableError(dataset, options.dir, absent, `files missing from the directory given (dir: ${JSON.stringify(options.dir)})`);
    for (const spec of specs) await verify(paths.get(spec.name)!, spec, 'the file was left as it is; replace it with the published one');
    return paths;
  }

  const dir = datasetCacheDir(dataset, options.cacheDir);
  const download = options.download ?? !process.env['MLP_BLOCKS_OFFLINE'];
  const todo: FileSpec[] = [];
  for (const spec of specs) {
    const path = join(dir, spec.name);
    if (await exists(path)) {
      try {
        await verify(path, spec, '');
        paths.set(spec.name, path);
        continue;
      } catch (err) {
        if (!(err instanceof ChecksumError)) throw err;
        await rm(path, { force: true }); // a damaged cache entry is fetched again
        if (!download) throw new ChecksumError(path, spec.sha256, err.actual, 'the cached file was deleted; downloads are off, so place the published file there again');
      }
    }
    todo.push(spec);
  }
  if (todo.length && !download) {
    throw new DatasetUnavailableError(dataset, dir, todo.map((s) => missing(s, options.mirror)), 'not in the cache, and downloads are off');
  }
  for (const [k, spec] of todo.entries()) {
    const path = join(dir, spec.name);
    const failures: string[] = [];
    for (const url of urlsFor(spec, options.mirror)) {
      try {
        await downloadVerified(url, path, spec, options);
        break;
      } catch (err) {
        if (err instanceof ChecksumError) throw err; // the bytes arrived and are wrong: say so, do not hide it
        if (!(err instanceof DownloadError)) throw err;
        failures.push(err.message);
      }
    }
    if (!(await exists(path))) {
      throw new DatasetUnavailableError(dataset, dir, todo.slice(k).map((s) => missing(s, options.mirror)),
        `could not download ${spec.name} (${failures.join('; ')})`);
    }
    paths.set(spec.name, path);
  }
  return paths;
}
