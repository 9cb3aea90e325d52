import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendLineDurable, type ProgressMode, writeFileAtomic } from '@mlp-blocks/train';
import { readJsonFile } from '../run/json-limits.js';
import { ensureWritableDir } from '../run/out-dir.js';
import { type TrialRecord, runTrial } from '../run/trial.js';
import type { DataLoader } from '../run/tasks.js';
import { type Grid, type PlannedTrial, type Shard, gridHash, planTrials, shardTrials } from './grid.js';
import { latestById, readResults, repairResults } from './results.js';

/** Options of `runSweep`. */
export interface SweepOptions {
  grid: Grid;
  out: string;
  loadData: DataLoader;
  resume?: boolean;
  shard?: Shard | null;
  /** Overrides the grid's maxParams. */
  maxParams?: number;
  /** Where the grid came from, for errors (e.g. `--grid grid.json`). Default `grid`. */
  gridSource?: string;
  progress?: ProgressMode;
  /** Keep each trial's best model under trials/<id>/model. */
  keepModels?: boolean;
  checkpointEvery?: number;
  /** Where the data set's files are (see DataRequest.dataDir). */
  dataDir?: string;
  /** Receives progress lines (the plan, each trial as it starts, repairs of an interrupted run). Default: dropped. */
  log?: (line: string) => void;
}

/** What `sweep.json` in a sweep directory records. */
export interface SweepManifest {
  gridHash: string;
  grid: Grid;
  maxParams: number | null;
  shard: Shard | null;
  trials: Array<{ index: number; id: string; family: string; trainable: number }>;
}

/** The file in a sweep directory that holds one JSON line per finished trial. */
export const RESULTS = 'results.jsonl';
/** The file in a sweep directory that records its grid (see SweepManifest). */
export const MANIFEST = 'sweep.json';

/**
 * Checks what a sweep.json holds (it is read back on --resume and by merge, so it is untrusted); `where` prefixes
 * the error, which says what is wrong.
 */
export function checkManifest(raw: unknown, where: string): SweepManifest {
  const bad = (what: string) => new Error(`${where}: not a sweep manifest (${what})`);
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('not a JSON object');
  const m = raw as Record<string, unknown>;
  if (typeof m['gridHash'] !== 'string') throw bad('no "gridHash" string');
  if (m['grid'] == null || typeof m['grid'] !== 'object' || Array.isArray(m['grid'])) throw bad('no "grid" object');
  if (m['maxParams'] !== null && !(Number.isSafeInteger(m['maxParams']) && (m['maxParams'] as number) > 0)) throw bad('"maxParams" must be null or a positive integer');
  const shard = m['shard'] as Record<string, unknown> | null;
  if (shard !== null && (shard == null || typeof shard !== 'object' || !Number.isSafeInteger(shard['k']) || !Number.isSafeInteger(shard['n']))) throw bad('"shard" must be null or {"k","n"}');
  const trials = m['trials'];
  const isTrial = (t: unknown) => t != null && typeof t === 'object' && typeof (t as Record<string, unknown>)['id'] === 'string'
    && Number.isSafeInteger((t as Record<string, unknown>)['index']);
  if (!Array.isArray(trials) || !trials.every(isTrial)) throw bad('"trials" must be a list of {"index","id",…}');
  return m as unknown as SweepManifest;
}

/**
 * Runs the trials of a grid (or of one shard of it) one after another in this process. Each finished trial
 * appends one fsynced line to results.jsonl; with `resume`, finished trials are skipped and the trial in
 * flight continues from its checkpoint.
 */
export async function runSweep(o: SweepOptions): Promise<{ ran: TrialRecord[]; skipped: number; planned: PlannedTrial[] }> {
  const log = o.log ?? (() => {});
  const out = path.resolve(o.out);
  ensureWritableDir('--out', out); // before the data loads and a trial is spent
  const resultsFile = path.join(out, RESULTS);
  const manifestFile = path.join(out, MANIFEST);
  const hash = gridHash(o.grid);
  if (fs.existsSync(manifestFile)) {
    if (!o.resume) throw new Error(`--out: ${out} already holds a sweep; pass --resume to continue it or choose another directory`);
    const old = manifestOnResume(manifestFile);
    if (old.gridHash !== hash || JSON.stringify(old.shard) !== JSON.stringify(o.shard ?? null)) {
      throw new Error(`--resume: ${manifestFile} was written for a different grid or shard; use a new --out directory`);
    }
  }
  const g = o.grid;
  const splits = await o.loadData({
    task: g.task, dataset: g.dataset, seed: 0, ...(g.sigma !== undefined ? { sigma: g.sigma } : {}), ...(g.limit !== undefined ? { limit: g.limit } : {}),
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  });
  try {
    const maxParams = o.maxParams ?? o.grid.maxParams;
    const planned = planTrials(o.grid, splits, maxParams, { source: o.gridSource ?? 'grid', warn: log });
    const mine = shardTrials(planned, o.shard ?? null);
    const manifest: SweepManifest = {
      gridHash: hash, grid: o.grid, maxParams: maxParams ?? null, shard: o.shard ?? null,
      trials: planned.map((t) => ({ index: t.index, id: t.id, family: t.config.spec.model, trainable: t.trainable })),
    };
    writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    if (repairResults(resultsFile)) log(`${resultsFile}: cut an incomplete last line left by an interrupted run`);
    const done = new Set(latestById(readResults(resultsFile, log)).map((r) => r.id));
    const ran: TrialRecord[] = [];
    let skipped = 0;
    const shardNote = o.shard ? ` (shard ${o.shard.k}/${o.shard.n})` : '';
    log(`sweep: ${mine.length} of ${planned.length} trials${shardNote}, ${mine.filter((t) => done.has(t.id)).length} already finished`);
    for (const [i, t] of mine.entries()) {
      if (done.has(t.id)) {
        skipped++;
        continue;
      }
      const rel = path.join('trials', t.id);
      log(`trial ${i + 1}/${mine.length} ${t.id}: ${t.trainable.toLocaleString('en-US')} trainable parameters, lr ${t.config.lr}, seed ${t.config.seed}`);
      const record = await runTrial(t.config, splits, {
        dir: path.join(out, rel), relativeDir: rel, resume: o.resume ?? false, progress: o.progress ?? 'auto',
        keepModel: o.keepModels ?? false, dropCheckpoint: true,
        // planTrials sized every trial in closed form: against the default cap, or within the explicit budget.
        ...(maxParams !== undefined ? { maxParams: Infinity } : {}), ...(o.checkpointEvery ? { checkpointEvery: o.checkpointEvery } : {}),
      });
      appendLineDurable(resultsFile, JSON.stringify(record));
      ran.push(record);
      const score = record.testMetric ?? record.evalMetric;
      log(`trial ${i + 1}/${mine.length} ${t.id}: ${record.metricName} ${score == null ? '-' : score.toFixed(record.metricName === 'psnr' ? 2 : 4)} (${record.seconds.toFixed(1)} s)`);
    }
    return { ran, skipped, planned };
  } finally {
    splits.dispose?.();
  }
}

/** The sweep.json of a directory being resumed: errors name the file, what is wrong, and the way out. */
function manifestOnResume(file: string): SweepManifest {
  try {
    return checkManifest(readJsonFile(file, '--resume'), `--resume ${file}`);
  } catch (e) {
    throw new Error(`${(e as Error).message}; if this directory holds a sweep of this grid, delete the damaged ${MANIFEST} and resume again (finished trials are kept in ${RESULTS}), or use a new --out directory`);
  }
}
