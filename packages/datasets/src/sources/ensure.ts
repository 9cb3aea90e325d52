import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ChecksumError, DatasetUnavailableError, type MissingFile } from '../errors.js';
import type { ReadLimits } from '../formats/limits.js';
import { datasetCacheDir } from './cache.js';
import { DownloadError, downloadVerified, type DownloadOptions } from './download.js';
import { removeStaleParts, withFileLock, type LockHolder } from './lock.js';
import { sha256File } from './hash.js';

/** A published file: its name, size, SHA-256 and where it can be downloaded (in order of preference). */
export interface FileSpec {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly urls: readonly string[];
}

/** Where data set files come from, and how much reading them may inflate. */
export interface SourceOptions extends DownloadOptions, ReadLimits {
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
export const SOURCE_OPTION_NAMES = ['dir', 'cacheDir', 'download', 'mirror', 'progress', 'idleTimeoutMs', 'fetch', 'maxInflatedBytes'] as const;

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
 * must already be there and are never changed. Otherwise they come from the cache. With downloads off, the cache
 * is only read: a cached file that fails verification is reported and left as it is. With downloads on, such a
 * file is replaced by a fresh download (a process warning says so), and missing files are downloaded: once per
 * file however many loads ask at the same time, and under a "<name>.lock" file so that processes sharing the
 * cache wait for each other instead of downloading it twice. Temporary ".part" files of dead processes are
 * removed. When a file can be neither found nor downloaded, a DatasetUnavailableError lists every file still
 * needed and where to put it.
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
  if (download) await removeStaleParts(dir); // a read-only use (inspect, offline) leaves the cache as it is
  const todo: FileSpec[] = [];
  for (const spec of specs) {
    const path = join(dir, spec.name);
    const state = await cachedState(path, spec);
    if (state === 'ok') paths.set(spec.name, path);
    else if (state !== 'absent' && !download) {
      throw new ChecksumError(path, spec.sha256, state.actual, 'the cached file was left as it is (downloads are off); delete it, or load with downloads on to replace it');
    } else {
      todo.push(spec);
    }
  }
  if (todo.length && !download) {
    throw new DatasetUnavailableError(dataset, dir, todo.map((s) => missing(s, options.mirror)), 'not in the cache, and downloads are off');
  }
  for (const [k, spec] of todo.entries()) {
    const path = join(dir, spec.name);
    const failures = await downloadOnce(path, spec, options);
    if (failures) {
      throw new DatasetUnavailableError(dataset, dir, todo.slice(k).map((s) => missing(s, options.mirror)),
        `could not download ${spec.name} (${failures.join('; ')})`);
    }
    paths.set(spec.name, path);
  }
  return paths;
}

/** Whether a cached file is there and verified, absent, or there with the wrong bytes. */
async function cachedState(path: string, spec: FileSpec): Promise<'ok' | 'absent' | { actual: string }> {
  if (!(await exists(path))) return 'absent';
  const actual = await sha256File(path);
  return actual === spec.sha256 ? 'ok' : { actual };
}

/** Downloads in progress in this process, by destination path: concurrent loads share one. */
const inflight = new Map<string, Promise<string[] | null>>();

/** Downloads one file into the cache, or finds it there once another process has; failures per URL, or null. */
function downloadOnce(path: string, spec: FileSpec, options: SourceOptions): Promise<string[] | null> {
  let pending = inflight.get(path);
  if (!pending) {
    pending = withFileLock(path, (holder) => announceWait(spec, holder, options), () => downloadLocked(path, spec, options))
      .finally(() => inflight.delete(path));
    inflight.set(path, pending);
  }
  return pending;
}

async function downloadLocked(path: string, spec: FileSpec, options: SourceOptions): Promise<string[] | null> {
  const state = await cachedState(path, spec);
  if (state === 'ok') return null; // another process finished it while this one waited for the lock
  if (state !== 'absent') {
    process.emitWarning(`${path}: the cached file fails its SHA-256 check (expected ${spec.sha256}, got ${state.actual}); it is deleted and downloaded again`,
      { type: 'DatasetCacheWarning', code: 'MLP_BLOCKS_CACHE_REPLACED' });
    await rm(path, { force: true });
  }
  const failures: string[] = [];
  for (const url of urlsFor(spec, options.mirror)) {
    try {
      await downloadVerified(url, path, spec, options);
      return null;
    } catch (err) {
      if (err instanceof ChecksumError) throw err; // the bytes arrived and are wrong: say so, do not hide it
      if (!(err instanceof DownloadError)) throw err;
      failures.push(err.message);
    }
  }
  return failures;
}

/** Tells the user why nothing seems to happen: another process is downloading the file. */
function announceWait(spec: FileSpec, holder: LockHolder | null, options: SourceOptions): void {
  const waitingFor = holder ? { pid: holder.pid, hostname: holder.hostname } : { pid: 0, hostname: '' };
  if (typeof options.progress === 'function') {
    options.progress({ file: spec.name, received: 0, total: spec.bytes, waitingFor });
  } else if (options.progress ?? process.stderr.isTTY) {
    const who = holder ? `process ${holder.pid} on ${holder.hostname}` : 'another process';
    process.stderr.write(`${spec.name}: waiting for ${who}, which is downloading it\n`);
  }
}
