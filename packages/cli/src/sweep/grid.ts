import * as fs from 'node:fs';
import { ConfigError, type ModelSpec } from '@mlp-blocks/core';
import { SCHEDULES, type ScheduleKind } from '../schedules.js';
import { fillSpec, hashOf, specParams } from '../run/spec.js';
import { TASKS, type TaskName, type TaskSplits } from '../run/tasks.js';
import { type TrialConfig, trialId } from '../run/trial.js';

/**
 * A sweep grid file: model specs (listed, or spaces whose array values are alternatives) × learning rates
 * × seeds, trained with the same task, data and budget; `maxParams` drops larger models.
 */
export interface Grid {
  task: TaskName;
  dataset: string;
  epochs: number;
  batchSize: number;
  lrs: number[];
  seeds: number[];
  /** Complete specs (inputDim / outputDim may be left out: they come from the data). */
  models?: Array<Record<string, unknown>>;
  /** Specs whose array-valued keys are expanded as a product (wrap a per-block list in another list). */
  spaces?: Array<Record<string, unknown>>;
  /** Keep only models with at most this many trainable parameters. */
  maxParams?: number;
  schedule?: ScheduleKind;
  warmupSteps?: number;
  weightDecay?: number;
  patience?: number;
  /** Denoising noise standard deviation (default 0.25). */
  sigma?: number;
  /** Train every trial on the first `limit` training examples only (a reduced protocol for quick sweeps). */
  limit?: number;
}

/** A trial of a sweep: its position in the grid's order, id and configuration. */
export interface PlannedTrial {
  index: number;
  id: string;
  config: TrialConfig;
  trainable: number;
}

const KEYS = ['task', 'dataset', 'epochs', 'batchSize', 'lrs', 'seeds', 'models', 'spaces', 'maxParams', 'schedule', 'warmupSteps', 'weightDecay', 'patience', 'sigma', 'limit', '$comment'];

/** Reads and validates a grid file; errors name the file and the key. */
export function readGrid(file: string): Grid {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`--grid: cannot read ${file} as JSON (${(e as Error).message})`);
  }
  return checkGrid(raw, `--grid ${file}`);
}

/** Validates a grid object. `owner` prefixes every error. */
export function checkGrid(raw: unknown, owner = 'grid'): Grid {
  const describeValue = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
  const fail = (key: string, expected: string, value: unknown): never => {
    throw new ConfigError(owner, key, expected, value, `${owner}: "${key}" must be ${expected}, received ${describeValue(value)}`);
  };
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) fail('grid', 'a JSON object', raw);
  const g = raw as Record<string, unknown>;
  for (const key of Object.keys(g)) if (!KEYS.includes(key)) fail(key, `a known key (${KEYS.filter((k) => k !== '$comment').join(', ')})`, g[key]);
  if (!(TASKS as readonly string[]).includes(g['task'] as string)) fail('task', `one of ${TASKS.join(', ')}`, g['task']);
  if (typeof g['dataset'] !== 'string' || g['dataset'] === '') fail('dataset', 'a data set name', g['dataset']);
  const posInt = (k: string, optional = false) => {
    if (optional && g[k] === undefined) return;
    if (!Number.isInteger(g[k]) || (g[k] as number) <= 0) fail(k, 'a positive integer', g[k]);
  };
  posInt('epochs');
  posInt('batchSize');
  posInt('maxParams', true);
  posInt('limit', true);
  if (g['sigma'] !== undefined && !(typeof g['sigma'] === 'number' && Number.isFinite(g['sigma']) && g['sigma'] >= 0)) fail('sigma', 'a non-negative number', g['sigma']);
  if (g['warmupSteps'] !== undefined && (!Number.isInteger(g['warmupSteps']) || (g['warmupSteps'] as number) < 0)) fail('warmupSteps', 'a non-negative integer', g['warmupSteps']);
  if (g['patience'] !== undefined && (!Number.isInteger(g['patience']) || (g['patience'] as number) < 0)) fail('patience', 'a non-negative integer', g['patience']);
  if (g['weightDecay'] !== undefined && !(typeof g['weightDecay'] === 'number' && g['weightDecay'] >= 0)) fail('weightDecay', 'a non-negative number', g['weightDecay']);
  if (g['schedule'] !== undefined && !(SCHEDULES as readonly string[]).includes(g['schedule'] as string)) fail('schedule', `one of ${SCHEDULES.join(', ')}`, g['schedule']);
  const list = (k: string, ok: (v: unknown) => boolean, expected: string) => {
    if (!Array.isArray(g[k]) || (g[k] as unknown[]).length === 0 || !(g[k] as unknown[]).every(ok)) fail(k, expected, g[k]);
  };
  list('lrs', (v) => typeof v === 'number' && Number.isFinite(v) && v > 0, 'a non-empty list of positive numbers');
  list('seeds', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff, 'a non-empty list of 32-bit seeds');
  const specs = (k: string) => {
    if (g[k] === undefined) return;
    list(k, (v) => v != null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>)['model'] === 'string', 'a non-empty list of {"model": ...} specs');
  };
  specs('models');
  specs('spaces');
  if (g['models'] === undefined && g['spaces'] === undefined) fail('models', 'present (or "spaces")', undefined);
  return g as unknown as Grid;
}

/** Expands one space: every array-valued key is a list of alternatives (product over keys, in key order). */
export function expandSpace(space: Record<string, unknown>): Array<Record<string, unknown>> {
  let out: Array<Record<string, unknown>> = [{}];
  for (const [key, value] of Object.entries(space)) {
    const options = Array.isArray(value) ? value : [value];
    out = out.flatMap((partial) => options.map((v) => ({ ...partial, [key]: v })));
  }
  return out;
}

/**
 * Every trial of a grid in its fixed order (models, then spaces; each spec × lrs × seeds), specs completed
 * from the data and checked, then filtered by the parameter budget. The order and ids depend only on the grid
 * and the data's shapes, so every shard of a sweep computes the same plan.
 */
export function planTrials(grid: Grid, splits: Pick<TaskSplits, 'train' | 'imageShape' | 'layout'>, maxParams = grid.maxParams): PlannedTrial[] {
  const specs = [...(grid.models ?? []), ...(grid.spaces ?? []).flatMap(expandSpace)];
  const out: PlannedTrial[] = [];
  let index = 0;
  for (const raw of specs) {
    const spec = fillSpec(raw as ModelSpec, splits, grid.task);
    let trainable: number;
    try {
      trainable = specParams(spec).trainable;
    } catch (e) {
      throw new Error(`grid spec ${JSON.stringify(raw)}: ${(e as Error).message}`);
    }
    if (maxParams !== undefined && trainable > maxParams) continue;
    for (const lr of grid.lrs) {
      for (const seed of grid.seeds) {
        const config: TrialConfig = {
          task: grid.task, dataset: grid.dataset, spec, lr, seed, epochs: grid.epochs, batchSize: grid.batchSize,
          ...(grid.schedule ? { schedule: grid.schedule } : {}), ...(grid.warmupSteps ? { warmupSteps: grid.warmupSteps } : {}),
          ...(grid.weightDecay !== undefined ? { weightDecay: grid.weightDecay } : {}), ...(grid.patience ? { patience: grid.patience } : {}),
          ...(grid.sigma !== undefined ? { sigma: grid.sigma } : {}), ...(grid.limit !== undefined ? { limit: grid.limit } : {}),
        };
        out.push({ index: index++, id: trialId(config), config, trainable });
      }
    }
  }
  return out;
}

/** A `--shard k/n` value: k in 0…n−1 (0-based, as Kubernetes' completion index and Slurm array ids). */
export interface Shard {
  k: number;
  n: number;
}

/** Parses "k/n", naming the option on error. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n < 1 || k >= n) throw new ConfigError('sweep', '--shard', 'k/n with 0 ≤ k < n', value, `--shard must be k/n with 0 <= k < n (k is 0-based), received "${value}"`);
  return { k, n };
}

/** The trials of shard k of n: every n-th trial of the plan starting at k (round-robin balances sizes). */
export function shardTrials(trials: readonly PlannedTrial[], shard: Shard | null): PlannedTrial[] {
  return shard ? trials.filter((t) => t.index % shard.n === shard.k) : [...trials];
}

/** A hash identifying a grid, so shards of different grids are never merged together. */
export function gridHash(grid: Grid): string {
  return hashOf(grid, 16);
}
