// Downloads to a temporary ".part" file next to the destination while hashing, and renames it into place only
// after the size and SHA-256 match: a partial or corrupt download never has the final name.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import cliProgress from 'cli-progress';
import { ChecksumError } from '../errors.js';

/** Progress of one download, for a custom progress callback. */
export interface DownloadProgress {
  readonly file: string;
  readonly received: number;
  readonly total: number;
  /** Set, with received 0, when another process holding the file's lock is downloading it and this one waits. */
  readonly waitingFor?: { readonly pid: number; readonly hostname: string };
}

/** Network options shared by every download. */
export interface DownloadOptions {
  /** A progress bar on stderr (default: when stderr is a terminal), or a callback receiving progress. */
  progress?: boolean | ((p: DownloadProgress) => void);
  /** Abort a download that receives nothing for this long (default 60 000 ms). */
  idleTimeoutMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** A download that failed before its bytes could be checked: no connection, an HTTP error, a cut-off body. */
export class DownloadError extends Error {
  readonly url: string;
  readonly kind: 'network' | 'http' | 'truncated';

  constructor(url: string, kind: DownloadError['kind'], reason: string) {
    super(`${url}: ${reason}`);
    this.name = 'DownloadError';
    this.url = url;
    this.kind = kind;
  }
}

/** What the downloaded bytes must be. */
export interface Expected {
  readonly sha256: string;
  readonly bytes?: number;
}

/**
 * Downloads `url` to `dest`, verifying the size and SHA-256. On any failure nothing is left at `dest` or in a
 * temporary file; a ChecksumError or DownloadError says what went wrong.
 */
export async function downloadVerified(url: string, dest: string, expected: Expected, options: DownloadOptions = {}): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  const file = basename(dest);
  const controller = new AbortController();
  const idleMs = options.idleTimeoutMs ?? 60_000;
  let idle = setTimeout(() => controller.abort(), idleMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), idleMs);
  };
  const report = progressReporter(file, options.progress);
  const handle = await open(tmp, 'w');
  let ok = false;
  try {
    let res: Response;
    try {
      res = await (options.fetch ?? fetch)(url, { signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw new DownloadError(url, 'network', describeNetworkError(err, controller.signal.aborted, idleMs));
    }
    if (!res.ok || !res.body) throw new DownloadError(url, 'http', `HTTP ${res.status} ${res.statusText}`.trim());
    const declared = Number(res.headers.get('content-length') ?? NaN);
    const total = expected.bytes ?? (Number.isFinite(declared) ? declared : 0);
    const hash = createHash('sha256');
    let received = 0;
    report.start(total);
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        hash.update(chunk);
        await handle.write(chunk);
        received += chunk.length;
        report.update(received, total);
        if (expected.bytes !== undefined && received > expected.bytes) break; // the hash check below rejects it
      }
    } catch (err) {
      throw new DownloadError(url, 'truncated', `the transfer stopped after ${received} bytes (${describeNetworkError(err, controller.signal.aborted, idleMs)})`);
    }
    if (Number.isFinite(declared) && received < declared) {
      throw new DownloadError(url, 'truncated', `received ${received} of the ${declared} bytes announced`);
    }
    const actual = hash.digest('hex');
    if (expected.bytes !== undefined && received !== expected.bytes) {
      throw new ChecksumError(file, expected.sha256, actual, `received ${received} bytes, expected ${expected.bytes}, from ${url}; the download was deleted`);
    }
    if (actual !== expected.sha256) throw new ChecksumError(file, expected.sha256, actual, `downloaded from ${url}; the download was deleted`);
    await handle.sync();
    await handle.close();
    await rename(tmp, dest);
    ok = true;
  } finally {
    clearTimeout(idle);
    report.stop();
    if (!ok) {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true });
    }
  }
}

function describeNetworkError(err: unknown, aborted: boolean, idleMs: number): string {
  if (aborted) return `no data for ${idleMs} ms`;
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ? `${e.message}: ${e.cause.code}` : e.cause?.message ? `${e.message}: ${e.cause.message}` : String(e.message ?? err);
}

interface Reporter {
  start(total: number): void;
  update(received: number, total: number): void;
  stop(): void;
}

function progressReporter(file: string, progress: DownloadOptions['progress']): Reporter {
  if (typeof progress === 'function') {
    return { start: (total) => progress({ file, received: 0, total }), update: (received, total) => progress({ file, received, total }), stop: () => undefined };
  }
  if (!(progress ?? process.stderr.isTTY)) return { start: () => undefined, update: () => undefined, stop: () => undefined };
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const bar = new cliProgress.SingleBar({
    format: `${file} [{bar}] {percentage}% | {mb}/{totalMb} MB | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: progress === true, // asked for explicitly: print plain lines even when stderr is not a terminal
    notTTYSchedule: 5000,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    start(total) {
      bar.start(total, 0, { mb: mb(0), totalMb: mb(total) });
      started = true;
    },
    update(received, total) {
      bar.update(received, { mb: mb(received), totalMb: mb(total) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
