// One download of a file at a time across the processes sharing a cache: an exclusive "<name>.lock" file
// (created with O_EXCL) holding the owner's pid, host and start time, its mtime refreshed while the owner works.
// A lock is stale when its owner is a dead process on this host, or when nobody has refreshed it for STALE_MS
// (a crashed owner on another host sharing the cache). Also removes the ".part" files of dead downloads.
import { hostname } from 'node:os';
import { mkdir, open, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Who holds a lock. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly time: number;
}

/** A lock nobody has refreshed for this long is taken over. */
export const STALE_MS = 5 * 60_000;
const REFRESH_MS = 15_000;
const POLL_MS = 200;

/** Whether a process id is alive on this machine (EPERM: alive, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // 0 and negatives address process groups
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function readHolder(lock: string): Promise<{ holder: LockHolder | null; mtimeMs: number } | null> {
  try {
    const [text, s] = await Promise.all([readFile(lock, 'utf8'), stat(lock)]);
    let holder: LockHolder | null = null;
    try {
      const h = JSON.parse(text) as LockHolder;
      if (typeof h.pid === 'number' && typeof h.hostname === 'string') holder = h;
    } catch {
      holder = null; // being written, or damaged: judged by its age alone
    }
    return { holder, mtimeMs: s.mtimeMs };
  } catch {
    return null; // gone already
  }
}

function isStale(found: { holder: LockHolder | null; mtimeMs: number }, now = Date.now()): boolean {
  if (now - found.mtimeMs > STALE_MS) return true;
  const h = found.holder;
  return h !== null && h.hostname === hostname() && !pidAlive(h.pid);
}

/**
 * Runs `fn` holding the lock `<target>.lock`, waiting (polling) while another live process holds it; `onWait` is
 * called once, with the holder, when waiting starts. The lock is released however `fn` ends.
 */
export async function withFileLock<T>(target: string, onWait: (holder: LockHolder | null) => void, fn: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  const me: LockHolder = { pid: process.pid, hostname: hostname(), time: Date.now() };
  let waited = false;
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      const fh = await open(lock, 'wx');
      try {
        await fh.writeFile(JSON.stringify(me));
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const found = await readHolder(lock);
    if (found === null) continue;
    if (isStale(found)) {
      await rm(lock, { force: true });
      continue;
    }
    if (!waited) onWait(found.holder);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(lock, now, now).catch(() => undefined);
  }, REFRESH_MS);
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    const found = await readHolder(lock);
    if (found?.holder?.pid === me.pid && found.holder.time === me.time) await rm(lock, { force: true });
  }
}

/** Matches downloadVerified's temporary files: "<name>.<pid>-<hex>.part". */
const PART = /^(.+)\.(\d+)-[0-9a-f]+\.part$/;

/**
 * Removes the ".part" files in `dir` left by downloads whose process is dead (a SIGKILL or power cut mid-download),
 * skipping any whose file is locked by a live download (which may run on another host sharing the cache).
 */
export async function removeStaleParts(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = PART.exec(name);
    if (!m) continue;
    const lock = await readHolder(join(dir, `${m[1]}.lock`));
    if (lock && !isStale(lock)) continue;
    if (pidAlive(Number(m[2]))) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
