import * as fs from 'node:fs';
import { ConfigError, type ModelSpec } from '@mlp-blocks/core';
import * as v from 'valibot';
import { SCHEDULES } from '@mlp-blocks/train';
import { fillSpec, hashOf, trialParams } from '../run/spec.js';
import { DATASETS, TASKS, type TaskName, type TaskSplits } from '../run/tasks.js';
import { type TrialConfig, trialId } from '../run/trial.js';

/** A trial of a sweep: its position in the grid's order, id and configuration. */
export interface PlannedTrial {
  index: number;
  id: string;
  config: TrialConfig;
  trainable: number;
}

/** A model spec in a grid: `{"model": ...}` with its options (inputDim / outputDim may come from the data). */
const specEntry = v.custom<Record<string, unknown>>(
  (x) => x != null && typeof x === 'object' && !Array.isArray(x) && typeof (x as Record<string, unknown>)['model'] === 'string',
  'a non-empty list of {"model": ...} specs',
);
const specList = (doc: string) => v.optional(v.pipe(v.array(specEntry, 'a non-empty list of {"model": ...} specs'),
  v.minLength(1, 'a non-empty list of {"model": ...} specs'), v.description(doc)));
const positiveInt = (doc: string) => v.pipe(v.number('a positive integer'), v.safeInteger('a positive integer'), v.minValue(1, 'a positive integer'), v.description(doc));
const nonNegativeInt = (doc: string) => v.pipe(v.number('a non-negative integer'), v.safeInteger('a non-negative integer'), v.minValue(0, 'a non-negative integer'), v.description(doc));
const nonNegative = (doc: string) => v.pipe(v.number('a non-negative number'), v.finite('a non-negative number'), v.minValue(0, 'a non-negative number'), v.description(doc));

const LRS = 'a non-empty list of positive numbers';
const SEEDS = 'a non-empty list of 32-bit seeds';

/** Every key of a grid file, declared once: its check and doc (also the source of the grid's JSON Schema). */
export const GRID_OPTIONS = v.object({
  $schema: v.optional(v.pipe(v.string('a string'), v.description('The JSON Schema of grid files, for editors (ignored).'))),
  $comment: v.optional(v.pipe(v.string('a string'), v.description('Free text: what the grid is for.'))),
  task: v.pipe(v.picklist(TASKS, `one of ${TASKS.join(', ')}`), v.description('The task every trial trains.')),
  dataset: v.pipe(v.string('a data set name'), v.minLength(1, 'a data set name'), v.description(`The data set: ${DATASETS.join(', ')}.`)),
  epochs: positiveInt('Training epochs of every trial.'),
  batchSize: positiveInt('Examples per step.'),
  lrs: v.pipe(v.array(v.pipe(v.number(LRS), v.finite(LRS), v.gtValue(0, LRS)), LRS),
    v.minLength(1, LRS), v.description('Peak learning rates; every spec is trained with each.')),
  seeds: v.pipe(v.array(v.pipe(v.number(SEEDS), v.safeInteger(SEEDS), v.minValue(0, SEEDS), v.maxValue(0xffffffff, SEEDS)), SEEDS),
    v.minLength(1, SEEDS), v.description('Seeds; every spec and rate is trained with each.')),
  models: specList('Complete specs (inputDim / outputDim may be left out: they come from the data).'),
  spaces: specList('Specs whose array-valued keys are alternatives, expanded as a product (wrap a per-block list in another list).'),
  maxParams: v.optional(positiveInt('Keep only models with at most this many trainable parameters (closed form, before building).')),
  schedule: v.optional(v.pipe(v.picklist(SCHEDULES, `one of ${SCHEDULES.join(', ')}`), v.description('Learning-rate schedule (default linear decay to 0).'))),
  warmupSteps: v.optional(nonNegativeInt('Linear warm-up steps.')),
  weightDecay: v.optional(nonNegative('AdamW decoupled weight decay (default 0.01).')),
  patience: v.optional(nonNegativeInt('Early stop after this many epochs without eval improvement (0: never).')),
  sigma: v.optional(nonNegative('Denoising noise standard deviation (default 0.25, the paper\'s).')),
  limit: v.optional(positiveInt('Train every trial on the first N training examples only (a reduced protocol); eval and test stay whole.')),
});

/**
 * A sweep grid file: model specs (listed, or spaces whose array values are alternatives) × learning rates
 * × seeds, trained with the same task, data and budget; `maxParams` drops larger models. See GRID_OPTIONS.
 */
export type Grid = v.InferOutput<typeof GRID_OPTIONS>;

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

/** Validates a grid object. `owner` prefixes every error: `<owner>: "<key>" must be <what>, received <value>`. */
export function checkGrid(raw: unknown, owner = 'grid'): Grid {
  const describeValue = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
  const fail = (key: string, expected: string, value: unknown): never => {
    throw new ConfigError(owner, key, expected, value, `${owner}: "${key}" must be ${expected}, received ${describeValue(value)}`);
  };
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) fail('grid', 'a JSON object', raw);
  const g = raw as Record<string, unknown>;
  const keys = Object.keys(GRID_OPTIONS.entries);
  for (const key of Object.keys(g)) if (!keys.includes(key)) fail(key, `a known key (${keys.filter((k) => !k.startsWith('$')).join(', ')})`, g[key]);
  const result = v.safeParse(GRID_OPTIONS, g);
  if (!result.success) {
    const issue = result.issues[0];
    const key = String((issue.path?.[0] as { key?: unknown } | undefined)?.key ?? 'grid');
    fail(key, issue.message, g[key]);
  }
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
      trainable = trialParams(spec).trainable;
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
