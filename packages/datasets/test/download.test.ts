// The download path against a local HTTP server on 127.0.0.1 serving good, corrupt and truncated files. No
// request leaves the machine: every fetch goes through `localOnly`, which refuses any other host.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksumError, DatasetUnavailableError } from '../src/errors.js';
import { loadTask } from '../src/load-task.js';
import { cacheRoot } from '../src/sources/cache.js';
import { DownloadError, downloadVerified } from '../src/sources/download.js';
import { ensureFiles, type FileSpec } from '../src/sources/ensure.js';
import { pseudoBytes, tempDir } from './writers.js';

const BLOB = pseudoBytes(300_000, 11);
const SHA = createHash('sha256').update(BLOB).digest('hex');
const CORRUPT = BLOB.slice();
CORRUPT[123_456]! ^= 0x20;

let server: Server;
let base = '';
const requests: string[] = [];
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}
/** The "gated" file: its first bytes go out at once, the rest only when the test opens the gate. */
let gate = deferred();
let gatedRequest = deferred();

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const [, kind] = (req.url ?? '').split('/');
    if (kind === 'good') return res.writeHead(200, { 'content-length': BLOB.length }).end(BLOB);
    if (kind === 'corrupt') return res.writeHead(200, { 'content-length': CORRUPT.length }).end(CORRUPT);
    if (kind === 'short') return res.writeHead(200, { 'content-length': 150_000 }).end(BLOB.subarray(0, 150_000));
    if (kind === 'cut') {
      // Announces the whole file, sends part of it, then drops the connection.
      res.writeHead(200, { 'content-length': BLOB.length });
      res.write(BLOB.subarray(0, 100_000), () => res.destroy());
      return;
    }
    if (kind === 'gated') {
      res.writeHead(200, { 'content-length': BLOB.length });
      res.write(BLOB.subarray(0, 1000));
      gatedRequest.resolve();
      void gate.promise.then(() => res.end(BLOB.subarray(1000)));
      return;
    }
    if (kind === 'stall') {
      res.writeHead(200, { 'content-length': BLOB.length });
      res.write(BLOB.subarray(0, 1000)); // then nothing, until the client gives up
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** fetch that only talks to this machine: anything else fails the way an offline machine does. */
const localOnly: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  if (url.hostname !== '127.0.0.1') throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND', message: `offline test: ${url.hostname}` } });
  return fetch(input, init);
};

const spec = (...urls: string[]): FileSpec => ({ name: 'blob.bin', bytes: BLOB.length, sha256: SHA, urls });
const quiet = { progress: false, fetch: localOnly } as const;

describe('downloadVerified', () => {
  it('downloads, verifies and renames into place, reporting progress', async () => {
    const dir = tempDir();
    const seen: number[] = [];
    await downloadVerified(`${base}/good/blob.bin`, join(dir, 'blob.bin'), spec(), { fetch: localOnly, progress: (p) => seen.push(p.received) });
    expect(readFileSync(join(dir, 'blob.bin')).equals(Buffer.from(BLOB))).toBe(true);
    expect(readdirSync(dir)).toEqual(['blob.bin']);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(BLOB.length);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('draws a progress bar on stderr when asked to', async () => {
    const dir = tempDir();
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; }) as typeof process.stderr.write;
    try {
      await downloadVerified(`${base}/good/blob.bin`, join(dir, 'blob.bin'), spec(), { fetch: localOnly, progress: true });
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(/blob\.bin \[.*\] 100% \| 0\.3\/0\.3 MB/);
    rmSync(dir, { recursive: true });
  });

  const failures: [string, string, RegExp][] = [
    ['corrupt', 'a checksum mismatch', /blob\.bin: SHA-256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}; downloaded from .*; the download was deleted/],
    ['short', 'a short file', /blob\.bin: SHA-256 mismatch: .*received 150000 bytes, expected 300000/],
    ['cut', 'a dropped connection', /the transfer stopped after \d+ bytes/],
    ['missing', 'HTTP 404', /HTTP 404/],
  ];
  it.each(failures)('%s (%s): an error, and nothing left behind that looks complete', async (kind, _what, message) => {
    const dir = tempDir();
    const dest = join(dir, 'sub', 'blob.bin');
    const err = await downloadVerified(`${base}/${kind}/blob.bin`, dest, spec(), quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(kind === 'corrupt' || kind === 'short' ? ChecksumError : DownloadError);
    expect((err as Error).message).toMatch(message);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(join(dir, 'sub'))).toEqual([]); // not even a .part file
    rmSync(dir, { recursive: true });
  });

  it('gives up on a stalled transfer after the idle timeout', async () => {
    const dir = tempDir();
    const err = await downloadVerified(`${base}/stall/blob.bin`, join(dir, 'blob.bin'), spec(), { ...quiet, idleTimeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no data for 300 ms/);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true });
  });
});

describe('ensureFiles (cache, local directory, offline)', () => {
  it('falls back to the next URL, caches the file, and reuses it without downloading again', async () => {
    const cacheDir = tempDir();
    const s = spec(`${base}/missing/blob.bin`, `${base}/good/blob.bin`);
    const paths = await ensureFiles('toy', [s], { ...quiet, cacheDir });
    expect(paths.get('blob.bin')).toBe(join(cacheDir, 'toy', 'blob.bin'));
    const count = requests.length;
    await ensureFiles('toy', [s], { ...quiet, cacheDir });
    expect(requests.length).toBe(count);
    rmSync(cacheDir, { recursive: true });
  });

  it('a damaged cached file is deleted and downloaded again', async () => {
    const cacheDir = tempDir();
    mkdirSync(join(cacheDir, 'toy'));
    writeFileSync(join(cacheDir, 'toy', 'blob.bin'), CORRUPT);
    await ensureFiles('toy', [spec(`${base}/good/blob.bin`)], { ...quiet, cacheDir });
    expect(createHash('sha256').update(readFileSync(join(cacheDir, 'toy', 'blob.bin'))).digest('hex')).toBe(SHA);
    rmSync(cacheDir, { recursive: true });
  });

  it('a corrupt download is an error, not a fallback, and leaves the cache empty', async () => {
    const cacheDir = tempDir();
    await expect(ensureFiles('toy', [spec(`${base}/corrupt/blob.bin`, `${base}/good/blob.bin`)], { ...quiet, cacheDir })).rejects.toBeInstanceOf(ChecksumError);
    expect(readdirSync(join(cacheDir, 'toy'))).toEqual([]);
    rmSync(cacheDir, { recursive: true });
  });

  it('offline: the error says which files to place where', async () => {
    const cacheDir = tempDir();
    const other: FileSpec = { name: 'other.bin', bytes: 10, sha256: 'ab'.repeat(32), urls: ['https://example.invalid/other.bin'] };
    const err = await ensureFiles('toy', [spec('https://example.invalid/blob.bin'), other], { ...quiet, cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetUnavailableError);
    const m = (err as Error).message;
    expect(m).toMatch(/^toy: could not download blob\.bin \(https:\/\/example\.invalid\/blob\.bin: fetch failed: ENOTFOUND\)/);
    expect(m).toContain(`Place these files in ${join(cacheDir, 'toy')}:`);
    expect(m).toContain(`blob.bin (300,000 bytes, sha256 ${SHA})`);
    expect(m).toContain('other.bin (10 bytes');
    expect(m).toContain('from https://example.invalid/other.bin');
    const off = await ensureFiles('toy', [spec(`${base}/good/blob.bin`)], { ...quiet, cacheDir, download: false }).catch((e: unknown) => e);
    expect((off as Error).message).toMatch(/not in the cache, and downloads are off/);
    rmSync(cacheDir, { recursive: true });
  });

  it('a local directory is read as it is: missing files are listed, a wrong file is refused and left alone', async () => {
    const dir = tempDir();
    const missing = await ensureFiles('toy', [spec()], { ...quiet, dir }).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(new RegExp(`files missing from the directory given[^]*Place these files in ${dir}:\\n  blob\\.bin`));
    writeFileSync(join(dir, 'blob.bin'), CORRUPT);
    await expect(ensureFiles('toy', [spec()], { ...quiet, dir })).rejects.toThrow(/SHA-256 mismatch.*the file was left as it is/);
    expect(existsSync(join(dir, 'blob.bin'))).toBe(true);
    writeFileSync(join(dir, 'blob.bin'), BLOB);
    expect((await ensureFiles('toy', [spec()], { ...quiet, dir })).get('blob.bin')).toBe(join(dir, 'blob.bin'));
    rmSync(dir, { recursive: true });
  });

  it('the cache root is $MLP_BLOCKS_CACHE when set', () => {
    const saved = process.env['MLP_BLOCKS_CACHE'];
    process.env['MLP_BLOCKS_CACHE'] = '/somewhere/cache';
    try {
      expect(cacheRoot()).toBe('/somewhere/cache');
      delete process.env['MLP_BLOCKS_CACHE'];
      expect(cacheRoot()).toMatch(/mlp-blocks/);
    } finally {
      if (saved === undefined) delete process.env['MLP_BLOCKS_CACHE'];
      else process.env['MLP_BLOCKS_CACHE'] = saved;
    }
  });
});

describe('the named data sets through the download path', () => {
  it('Fashion-MNIST from a mirror serving the wrong bytes: a checksum error naming the file, nothing cached', async () => {
    const cacheDir = tempDir();
    const err = await loadTask({ dataset: 'fashion-mnist', task: 'denoise', split: 'train', ...quiet, cacheDir, mirror: `${base}/corrupt` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as Error).message).toMatch(/^train-images-idx3-ubyte\.gz: SHA-256 mismatch: expected 3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84/);
    expect(readdirSync(join(cacheDir, 'fashion-mnist'))).toEqual([]);
    rmSync(cacheDir, { recursive: true });
  });

  it('CIFAR-10 offline: the error names the archive, its checksum and the cache directory', async () => {
    const cacheDir = tempDir();
    const err = await loadTask({ dataset: 'cifar10', task: 'classify', split: 'test', ...quiet, cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetUnavailableError);
    expect((err as Error).message).toContain(`Place these files in ${join(cacheDir, 'cifar10')}:\n  cifar-10-binary.tar.gz (170,052,171 bytes, sha256 c4a38c50`);
    rmSync(cacheDir, { recursive: true });
  });

  it('ImageNet-32 cannot be downloaded: the error says so and how to get it', async () => {
    const saved = process.env['MLP_BLOCKS_IMAGENET32'];
    delete process.env['MLP_BLOCKS_IMAGENET32'];
    try {
      const err = await loadTask({ dataset: 'imagenet32', task: 'superres', split: 'test', ...quiet }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatasetUnavailableError);
      expect((err as Error).message).toMatch(/ImageNet-32 cannot be downloaded automatically: image-net\.org requires registration/);
      expect((err as Error).message).toMatch(/val_data\.npz/);
    } finally {
      if (saved !== undefined) process.env['MLP_BLOCKS_IMAGENET32'] = saved;
    }
  });
});

describe('one download per file: within a process, across processes, and after a crash', () => {
  const count = (tag: string) => requests.filter((r) => r.includes(tag)).length;

  it('three concurrent loads of one file make one request', async () => {
    const cacheDir = tempDir();
    const s = spec(`${base}/good/blob.bin?three`);
    const all = await Promise.all([1, 2, 3].map(() => ensureFiles('toy', [s], { ...quiet, cacheDir })));
    expect(all.map((p) => p.get('blob.bin'))).toEqual(Array(3).fill(join(cacheDir, 'toy', 'blob.bin')));
    expect(count('?three')).toBe(1);
    expect(readdirSync(join(cacheDir, 'toy'))).toEqual(['blob.bin']); // no lock or .part left
    rmSync(cacheDir, { recursive: true });
  });

  it('the .part file of a dead download is removed when the cache is next used; a live one is kept', async () => {
    const cacheDir = tempDir();
    mkdirSync(join(cacheDir, 'toy'));
    writeFileSync(join(cacheDir, 'toy', 'blob.bin'), BLOB);
    const dead = 'x.99999999-abcd.part';
    const live = `x.${process.pid}-beef.part`;
    writeFileSync(join(cacheDir, 'toy', dead), 'half a download');
    writeFileSync(join(cacheDir, 'toy', live), 'in progress');
    await ensureFiles('toy', [spec(`${base}/good/blob.bin`)], { ...quiet, cacheDir });
    expect(readdirSync(join(cacheDir, 'toy')).sort()).toEqual(['blob.bin', live]);
    rmSync(cacheDir, { recursive: true });
  });

  it('a stale lock (its process is dead) is taken over instead of waited on', async () => {
    const cacheDir = tempDir();
    mkdirSync(join(cacheDir, 'toy'));
    writeFileSync(join(cacheDir, 'toy', 'blob.bin.lock'), JSON.stringify({ pid: 99999999, hostname: (await import('node:os')).hostname(), time: 0 }));
    await ensureFiles('toy', [spec(`${base}/good/blob.bin?stale-lock`)], { ...quiet, cacheDir });
    expect(count('?stale-lock')).toBe(1);
    expect(readdirSync(join(cacheDir, 'toy'))).toEqual(['blob.bin']);
    rmSync(cacheDir, { recursive: true });
  });

  it('a second process waits on the lock and finds the file cached, without a second request', async () => {
    const dist = new URL('../dist/index.js', import.meta.url);
    expect(existsSync(dist), 'build @mlp-blocks/datasets first').toBe(true);
    const cacheDir = tempDir();
    gate = deferred();
    gatedRequest = deferred();
    const s = { ...spec(`${base}/gated/blob.bin?two-processes`), name: 'gated.bin' };
    const first = ensureFiles('toy', [s], { ...quiet, cacheDir });
    await gatedRequest.promise; // this process holds the lock and is mid-download
    const script = join(cacheDir, 'second.mjs');
    writeFileSync(script, [
      `import { ensureFiles } from ${JSON.stringify(fileURLToPath(dist))};`,
      'const spec = JSON.parse(process.argv[3]);',
      'const paths = await ensureFiles("toy", [spec], { cacheDir: process.argv[2], progress: (p) => { if (p.waitingFor) console.log(JSON.stringify({ waiting: p.waitingFor.pid })); } });',
      'console.log(JSON.stringify({ done: paths.get(spec.name) }));',
    ].join('\n'));
    const child = spawn(process.execPath, [script, cacheDir, JSON.stringify(s)], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('"waiting"')) resolve();
        });
        void exited.then((code) => reject(new Error(`the second process ended (${code}) before waiting: ${out} ${err}`)));
      });
      expect(JSON.parse(out.split('\n')[0]!)).toEqual({ waiting: process.pid });
      gate.resolve();
      await first;
      expect(await exited, err).toBe(0);
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ done: join(cacheDir, 'toy', 'gated.bin') });
      expect(count('?two-processes')).toBe(1);
      expect(readFileSync(join(cacheDir, 'toy', 'gated.bin')).equals(Buffer.from(BLOB))).toBe(true);
      expect(readdirSync(join(cacheDir, 'toy'))).toEqual(['gated.bin']);
    } finally {
      gate.resolve();
      if (child.exitCode === null) child.kill();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('a damaged cached file', () => {
  it('with downloads off, is reported and left exactly as it is, by every one of parallel loads', async () => {
    const cacheDir = tempDir();
    mkdirSync(join(cacheDir, 'toy'));
    writeFileSync(join(cacheDir, 'toy', 'blob.bin'), CORRUPT);
    const errors = await Promise.all([1, 2, 3].map(() => ensureFiles('toy', [spec(`${base}/good/blob.bin`)], { ...quiet, cacheDir, download: false }).catch((e: unknown) => e)));
    for (const err of errors) {
      expect(err).toBeInstanceOf(ChecksumError);
      expect((err as Error).message).toMatch(new RegExp(`^${join(cacheDir, 'toy', 'blob.bin')}: SHA-256 mismatch: expected ${SHA}, got [0-9a-f]{64}; the cached file was left as it is \\(downloads are off\\); delete it, or load with downloads on to replace it$`));
    }
    expect(readFileSync(join(cacheDir, 'toy', 'blob.bin')).equals(Buffer.from(CORRUPT))).toBe(true);
    rmSync(cacheDir, { recursive: true });
  });

  it('with downloads on, is replaced, and a warning says so', async () => {
    const cacheDir = tempDir();
    mkdirSync(join(cacheDir, 'toy'));
    writeFileSync(join(cacheDir, 'toy', 'blob.bin'), CORRUPT);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await ensureFiles('toy', [spec(`${base}/good/blob.bin`)], { ...quiet, cacheDir });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(readFileSync(join(cacheDir, 'toy', 'blob.bin')).equals(Buffer.from(BLOB))).toBe(true);
    expect(warnings.map((w) => [w.name, w.message])).toEqual([['DatasetCacheWarning',
      `${join(cacheDir, 'toy', 'blob.bin')}: the cached file fails its SHA-256 check (expected ${SHA}, got ${createHash('sha256').update(CORRUPT).digest('hex')}); it is deleted and downloaded again`]]);
    rmSync(cacheDir, { recursive: true });
  });
});
