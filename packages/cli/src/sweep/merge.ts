import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mlp-blocks/train';
import { readJsonFile } from '../run/json-limits.js';
import type { TrialRecord } from '../run/trial.js';
import { latestById, readResults } from './results.js';
import { MANIFEST, RESULTS, type SweepManifest, checkManifest } from './sweep.js';

/** What `mergeSweeps` reports: trials merged, trials planned, and the ids of those still missing. */
export interface MergeResult {
  merged: number;
  planned: number;
  missing: string[];
}

/** Options of `mergeSweeps`. */
export interface MergeOptions {
  /** Receives warnings (a trial in two shards, a torn last line). */
  warn?: (line: string) => void;
  /** Write `out` even when planned trials are missing. Default false: a merge with missing trials fails and writes nothing. */
  allowPartial?: boolean;
}

/** A trial id as the sweep writes it: a family name and a hash, never a path. */
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;
const isSafeName = (id: unknown): id is string => typeof id === 'string' && SAFE_NAME.test(id) && id !== '.' && id !== '..';

/** Real path of `p`, which must lie inside the real directory `root` (symlinks resolved first). */
function realInside(root: string, p: string, what: string): string {
  const real = fs.realpathSync(p);
  if (real !== root && !real.startsWith(root + path.sep)) throw new Error(`merge: ${what} ${p} leads outside its shard ${root} (to ${real}); refusing to read it`);
  return real;
}

/** A shard's manifest and records, read from files that must lie inside the shard directory. */
function readShard(dir: string, warn: (line: string) => void): { manifest: SweepManifest; records: TrialRecord[]; root: string } {
  const manifestFile = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new Error(`merge: ${dir} is not a sweep directory (no ${MANIFEST})`);
  const root = fs.realpathSync(dir);
  realInside(root, manifestFile, MANIFEST);
  const manifest = checkManifest(readJsonFile(manifestFile, 'merge:'), `merge: ${manifestFile}`);
  for (const t of manifest.trials) {
    if (!isSafeName(t.id)) throw new Error(`merge: ${manifestFile} plans a trial with id ${JSON.stringify(t.id)}, which is not a plain name (letters, digits, '.', '_', '-')`);
  }
  const resultsFile = path.join(dir, RESULTS);
  if (fs.existsSync(resultsFile)) realInside(root, resultsFile, RESULTS);
  return { manifest, records: latestById(readResults(resultsFile, warn)), root };
}

/**
 * Copies a trial directory: plain directories and regular files only. A symlink (or device, FIFO…) is refused,
 * so a shard cannot make the merge read or write outside it.
 */
function copyTree(src: string, dst: string): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dst, entry.name);
    if (entry.isDirectory()) copyTree(from, to);
    else if (entry.isFile()) fs.copyFileSync(from, to);
    else throw new Error(`merge: ${from} is not a regular file or directory (a symlink?); trial directories hold only plain files`);
  }
}

/**
 * Moves the finished merge `tmp` to `out`. An existing `out` is replaced only when it is empty or an earlier merge
 * (it holds a sweep.json); any other directory is left alone.
 */
function publish(tmp: string, out: string): void {
  if (!fs.existsSync(out)) {
    fs.renameSync(tmp, out);
    return;
  }
  if (!fs.statSync(out).isDirectory()) throw new Error(`merge: --out ${out} exists and is not a directory`);
  const entries = fs.readdirSync(out);
  if (entries.length === 0) {
    fs.rmdirSync(out);
    fs.renameSync(tmp, out);
    return;
  }
  if (!entries.includes(MANIFEST)) throw new Error(`merge: --out ${out} is a non-empty directory that holds no earlier merge; choose a new directory`);
  const old = `${tmp}-old`;
  fs.renameSync(out, old);
  fs.renameSync(tmp, out);
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Combines the outputs of shard runs of one grid into `out`: one results.jsonl in the grid's trial order,
 * the trials' directories, and an unsharded sweep.json. Refuses shards of different grids; reports trials
 * that no shard finished (an error unless `allowPartial`). Every shard file is untrusted: trial ids must be plain
 * names, a record's directory must be `trials/<id>` and resolve (symlinks followed) inside its shard, and the
 * copy takes only plain files. The result is built in a temporary directory beside `out` and renamed into place
 * at the end, so a failed merge leaves no complete-looking `out`.
 */
export function mergeSweeps(inputs: readonly string[], out: string, options: MergeOptions | ((line: string) => void) = {}): MergeResult {
  const o: MergeOptions = typeof options === 'function' ? { warn: options } : options;
  const warn = o.warn ?? (() => {});
  if (inputs.length === 0) throw new Error('merge: give at least one shard directory');
  const shards = inputs.map((dir) => ({ dir, ...readShard(dir, warn) }));
  const first = shards[0]!.manifest;
  shards.forEach(({ manifest: m }, i) => {
    if (m.gridHash !== first.gridHash || m.maxParams !== first.maxParams) {
      throw new Error(`merge: ${inputs[i]} ran a different grid than ${inputs[0]} (grid hash ${m.gridHash} vs ${first.gridHash})`);
    }
  });
  const order = new Map(first.trials.map((t) => [t.id, t.index]));
  const byId = new Map<string, { record: TrialRecord; from: string; root: string }>();
  for (const { dir, records, root } of shards) {
    for (const record of records) {
      const file = path.join(dir, RESULTS);
      if (!order.has(record.id)) throw new Error(`merge: ${file} holds trial ${JSON.stringify(record.id)}, which the grid does not plan`);
      const expected = `trials/${record.id}`;
      if (record.dir.replaceAll('\\', '/') !== expected) {
        throw new Error(`merge: ${file} says trial ${record.id} is in ${JSON.stringify(record.dir)}; a sweep keeps it in ${expected}`);
      }
      if (!byId.has(record.id)) byId.set(record.id, { record, from: dir, root });
      else warn(`merge: trial ${record.id} is in both ${byId.get(record.id)!.from} and ${dir}; keeping the first`);
    }
  }
  const missing = first.trials.filter((t) => !byId.has(t.id)).map((t) => t.id);
  if (missing.length > 0 && !o.allowPartial) {
    throw new Error(`merge: ${missing.length} planned trials are missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); rerun their shards or pass --allow-partial`);
  }
  const outDir = path.resolve(out);
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(outDir), `.${path.basename(outDir)}.merging-`));
  try {
    const records = [...byId.values()].sort((a, b) => order.get(a.record.id)! - order.get(b.record.id)!);
    for (const { record, from, root } of records) {
      const src = path.join(from, 'trials', record.id);
      if (!fs.existsSync(src)) continue; // a record without files (e.g. its directory was cleaned): the line still counts
      const real = realInside(root, src, `trial directory of ${record.id}`);
      if (!fs.statSync(real).isDirectory()) throw new Error(`merge: ${src} is not a directory`);
      copyTree(real, path.join(tmp, 'trials', record.id));
    }
    writeFileAtomic(path.join(tmp, RESULTS), records.map(({ record }) => `${JSON.stringify(record)}\n`).join(''));
    writeFileAtomic(path.join(tmp, MANIFEST), `${JSON.stringify({ ...first, shard: null }, null, 2)}\n`);
    publish(tmp, outDir);
    return { merged: records.length, planned: first.trials.length, missing };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true }); // gone already after a successful publish
  }
}
