import { ConfigError, DEFAULT_MAX_PARAMS, type ModelSpec } from '@mlp-blocks/core';
import * as v from 'valibot';
import { SCHEDULES } from '@mlp-blocks/train';
import { readJsonFile } from '../run/json-limits.js';
import { checkTrialSize, fillSpec, hashOf } from '../run/spec.js';
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
  // A closed list, as --dataset: a name is never used as a key of a plain object (`constructor`, `__proto__`).
  dataset: v.pipe(v.picklist(DATASETS, `one of ${DATASETS.join(', ')}`), v.description(`The data set: ${DATASETS.join(', ')}.`)),
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
  return checkGrid(readJsonFile(file, '--grid'), `--grid ${file}`); // size and nesting checked before parsing
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

/** Options of `planTrials`. */
export interface PlanOptions {
  /** Names the grid in errors, e.g. `--grid grid.json`. Default `grid`. */
  source?: string;
  /** Receives a line for each trial the grid lists more than once (it is planned once). */
  warn?: (line: string) => void;
}

/**
 * Every trial of a grid in its fixed order (models, then spaces; each spec × lrs × seeds), specs completed
 * from the data and checked, then filtered by the parameter budget. Without a budget (`maxParams`), a model over
 * core's DEFAULT_MAX_PARAMS is an error naming the grid and the model, found in closed form before anything is
 * built. A trial the grid lists twice (same id: the same complete configuration) is planned once, with a warning.
 * The order and ids depend only on the grid and the data's shapes, so every shard of a sweep computes the same plan.
 */
export function planTrials(grid: Grid, splits: Pick<TaskSplits, 'train' | 'imageShape' | 'layout'>, maxParams = grid.maxParams, o: PlanOptions = {}): PlannedTrial[] {
  const source = o.source ?? 'grid';
  const specs = [
    ...(grid.models ?? []).map((raw, i) => ({ raw, label: `models[${i}]` })),
    ...(grid.spaces ?? []).flatMap((space, i) => expandSpace(space).map((raw) => ({ raw, label: `spaces[${i}] ${JSON.stringify(raw)}` }))),
  ];
  const out: PlannedTrial[] = [];
  const seen = new Map<string, string>();
  let index = 0;
  for (const { raw, label } of specs) {
    const where = `${source}: ${label}`;
    let spec: ModelSpec;
    try {
      spec = fillSpec(raw as ModelSpec, splits, grid.task);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message.replace(/^--model: /, '')}`);
    }
    // With a budget, larger models are skipped below; without one, the default cap applies (an error).
    const counts = checkTrialSize(spec, maxParams === undefined ? DEFAULT_MAX_PARAMS : Infinity, where);
    if (maxParams !== undefined && counts.trainable > maxParams) continue;
    const trainable = counts.trainable;
    const repeats: string[] = [];
    for (const lr of grid.lrs) {
      for (const seed of grid.seeds) {
        const config: TrialConfig = {
          task: grid.task, dataset: grid.dataset, spec, lr, seed, epochs: grid.epochs, batchSize: grid.batchSize,
          ...(grid.schedule ? { schedule: grid.schedule } : {}), ...(grid.warmupSteps ? { warmupSteps: grid.warmupSteps } : {}),
          ...(grid.weightDecay !== undefined ? { weightDecay: grid.weightDecay } : {}), ...(grid.patience ? { patience: grid.patience } : {}),
          ...(grid.sigma !== undefined ? { sigma: grid.sigma } : {}), ...(grid.limit !== undefined ? { limit: grid.limit } : {}),
        };
        const id = trialId(config);
        const twin = seen.get(id);
        if (twin !== undefined) {
          repeats.push(`lr ${lr} seed ${seed} = ${twin}`);
          continue;
        }
        seen.set(id, `${label} lr ${lr} seed ${seed}`);
        out.push({ index: index++, id, config, trainable });
      }
    }
    if (repeats.length > 0) {
      o.warn?.(`${source}: ${label} repeats ${repeats.length} trial${repeats.length === 1 ? '' : 's'} already planned (${repeats.slice(0, 3).join('; ')}${repeats.length > 3 ? '; …' : ''}); each runs once`);
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
