// `mlp-blocks evaluate <run-dir | model-dir | pretrained-name>`: scores a saved model on a split of its data set,
// and the target loading `predict` shares: a run directory written by `train --out` (or a sweep trial kept with
// --keep-models) knows its task, data set and batch size from result.json; a bare model folder needs --task and
// --dataset; a pretrained model registered by name (e.g. by --plugin @mlp-blocks/pretrained) knows its own data.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Command, Option } from 'commander';
import { findPretrained, listPretrained } from '@mlp-blocks/core';
import { loadModel } from '@mlp-blocks/core/node';
import type { BackendName } from '@mlp-blocks/backends/node';
import { type FitData, evaluate } from '@mlp-blocks/train';
import { firstExamples } from '../run/load-data.js';
import { DATASETS, type DataLoader, TASKS, type TaskName, type TaskSplits, taskObjective } from '../run/tasks.js';
import { nonNegativeNumber, oneOf, positiveInt } from './args.js';

/** The splits evaluate and predict read. */
export const SPLITS = ['test', 'eval'] as const;

/** What program.ts hands the commands registered outside it. */
export interface CommandContext {
  withPlugins(command: Command): Command;
  usePlugins(opts: { plugin?: string[] }): Promise<void>;
  useBackend(name: BackendName): Promise<void>;
  backendHelp(): string;
  loadData: DataLoader;
}

/** Flags that tell (or override) what a target was trained on. */
export interface TargetArgs {
  task?: TaskName;
  dataset?: string;
  sigma?: number;
  batchSize?: number;
  dataDir?: string;
}

/** A loaded model and what it was trained on. */
export interface Target {
  /** "run <dir>", "model <dir>" or "pretrained <name>", for messages. */
  label: string;
  kind: 'run' | 'model' | 'pretrained';
  model: tfl.LayersModel;
  task?: TaskName;
  dataset?: string;
  sigma?: number;
  seed: number;
  batchSize: number;
  /** One example's shape as the target declares it (a pretrained model whose input layer leaves sizes open). */
  inputShape?: number[];
}

const NAME = /^[a-z][a-z0-9_-]*$/;

/** result.json of a run, checked for the fields evaluate needs; errors name the file and the field. */
function readRunConfig(file: string): { task: TaskName; dataset: string; sigma?: number; seed: number; batchSize: number } {
  let record: { config?: Record<string, unknown> };
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the run's result (${(e as Error).message})`);
  }
  const c = record?.config;
  if (c == null || typeof c !== 'object') throw new Error(`${file}: no "config" (not a result.json written by mlp-blocks train or sweep)`);
  if (!TASKS.includes(c['task'] as TaskName)) throw new Error(`${file}: config.task must be one of ${TASKS.join(', ')}, received ${JSON.stringify(c['task'])}`);
  if (typeof c['dataset'] !== 'string') throw new Error(`${file}: config.dataset must be a data set name, received ${JSON.stringify(c['dataset'])}`);
  const batchSize = c['batchSize'];
  if (!Number.isSafeInteger(batchSize) || (batchSize as number) < 1) throw new Error(`${file}: config.batchSize must be a positive integer, received ${JSON.stringify(batchSize)}`);
  const sigma = c['sigma'];
  if (sigma !== undefined && (typeof sigma !== 'number' || !(sigma >= 0))) throw new Error(`${file}: config.sigma must be a non-negative number, received ${JSON.stringify(sigma)}`);
  const seed = Number.isSafeInteger(c['seed']) ? (c['seed'] as number) : 0;
  return { task: c['task'] as TaskName, dataset: c['dataset'], ...(sigma !== undefined ? { sigma } : {}), seed, batchSize: batchSize as number };
}

function notFound(target: string, abs: string): Error {
  if (!NAME.test(target)) return new Error(`${abs} does not exist`);
  const known = listPretrained().map((d) => d.name);
  return new Error(`${abs} does not exist, and "${target}" is not a registered pretrained model (${known.length ? `registered: ${known.join(', ')}` : 'none registered: load them with --plugin @mlp-blocks/pretrained'})`);
}

/**
 * Loads a target: a run directory, a model folder (or its model.json), or a pretrained model's name. Flags override
 * what the target records (e.g. --sigma to score a denoiser at another noise level). Errors name the path.
 */
export async function loadTarget(target: string, a: TargetArgs): Promise<Target> {
  const abs = path.resolve(target);
  let kind: Target['kind'];
  let modelPath: string;
  let run: ReturnType<typeof readRunConfig> | null = null;
  if (fs.existsSync(abs)) {
    const isDir = fs.statSync(abs).isDirectory();
    const dir = isDir ? abs : path.dirname(abs);
    if (isDir && fs.existsSync(path.join(abs, 'result.json'))) {
      kind = 'run';
      run = readRunConfig(path.join(abs, 'result.json'));
      modelPath = path.join(abs, 'model');
      if (!fs.existsSync(path.join(modelPath, 'model.json'))) {
        throw new Error(`${abs} is a run without a saved model (no ${path.join(modelPath, 'model.json')}); train keeps one, sweep only with --keep-models`);
      }
    } else if (!isDir || fs.existsSync(path.join(abs, 'model.json'))) {
      kind = 'model';
      modelPath = abs;
      const parentResult = path.join(path.dirname(dir), 'result.json');
      if (fs.existsSync(parentResult)) run = readRunConfig(parentResult); // <run>/model: the run knows its data
    } else {
      throw new Error(`${abs} holds neither a run (result.json) nor a model (model.json)`);
    }
    const model = await loadModel(modelPath);
    const known = { ...run, ...defined(a) };
    return { label: `${kind} ${abs}`, kind, model, seed: run?.seed ?? 0, ...known, batchSize: a.batchSize ?? run?.batchSize ?? 128 };
  }
  const entry = NAME.test(target) ? findPretrained(target) : null;
  if (!entry) throw notFound(target, abs);
  if (!TASKS.includes(entry.data.task as TaskName)) throw new Error(`pretrained ${target}: task ${JSON.stringify(entry.data.task)} is not one the CLI feeds (${TASKS.join(', ')})`);
  const model = entry.load();
  const data = { task: entry.data.task as TaskName, dataset: entry.data.dataset, ...(entry.data.sigma !== undefined ? { sigma: entry.data.sigma } : {}) };
  return {
    label: `pretrained ${target}`, kind: 'pretrained', model, seed: 0, ...data, ...defined(a), batchSize: a.batchSize ?? 128,
    ...(entry.inputShape ? { inputShape: entry.inputShape } : {}),
  };
}

/** The data flags that were given. */
function defined(a: TargetArgs): Partial<Pick<Target, 'task' | 'dataset' | 'sigma'>> {
  return { ...(a.task ? { task: a.task } : {}), ...(a.dataset ? { dataset: a.dataset } : {}), ...(a.sigma !== undefined ? { sigma: a.sigma } : {}) };
}

/** Loads the split a target's data set gives for its task; errors say which flag is missing. */
export async function loadTargetSplit(t: Target, split: (typeof SPLITS)[number], a: TargetArgs, loadData: DataLoader): Promise<{ data: FitData; splits: TaskSplits; task: TaskName; dataset: string }> {
  if (!t.task || !t.dataset) {
    throw new Error(`${t.label} does not record what it was trained on (no result.json beside it): pass --task and --dataset`);
  }
  const splits = await loadData({ task: t.task, dataset: t.dataset, seed: t.seed, ...(t.sigma !== undefined ? { sigma: t.sigma } : {}), ...(a.dataDir ? { dataDir: a.dataDir } : {}) });
  const data = split === 'test' ? splits.test : splits.eval;
  if (!data) {
    splits.dispose?.();
    throw new Error(`--split: --dataset ${t.dataset} has no ${split} split`);
  }
  return { data: fitInputs(data, t, splits.layout ?? 'chw'), splits, task: t.task, dataset: t.dataset };
}

const product = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);

/**
 * The model's per-example input shape (without the batch axis). Sizes its input layer leaves open come from the
 * target's declared shape, else from `size` values per example: one open size is what is left; open height and
 * width of an image are a square.
 */
export function modelInputShape(t: Target, size?: number): number[] {
  const shape = t.model.inputs[0]!.shape.slice(1);
  const open = shape.filter((d) => d == null).length;
  if (open === 0) return shape as number[];
  const declared = t.inputShape;
  if (declared && declared.length === shape.length && shape.every((d, i) => d == null || d === declared[i])) return declared;
  const known = product(shape.filter((d): d is number => d != null));
  if (size !== undefined && size % known === 0) {
    const rest = size / known;
    if (open === 1) return shape.map((d) => d ?? rest);
    const side = Math.round(Math.sqrt(rest));
    if (open === 2 && shape.length === 3 && shape[2] != null && side * side === rest) return shape.map((d) => d ?? side);
  }
  throw new Error(`${t.label} takes inputs of shape [${shape.map((d) => d ?? '?').join(', ')}]${size === undefined ? '' : `, which ${size} values per example do not fill`}`);
}

/**
 * A batch of flat (or other) examples reshaped to the model's input: the same values, and for channel-first colour
 * data feeding a channel-last image model, transposed. An error when the sizes differ.
 */
export function toModelInput(x: tf.Tensor, t: Target, layout: 'chw' | 'hwc'): tf.Tensor {
  const have = x.shape.slice(1);
  const want = modelInputShape(t, product(have));
  if (have.length === want.length && have.every((d, i) => d === want[i])) return x.clone();
  if (product(have) !== product(want)) {
    throw new Error(`${t.label} takes inputs of shape [${want.join(', ')}], but the examples have shape [${have.join(', ')}]`);
  }
  return tf.tidy(() => {
    const n = x.shape[0]!;
    if (want.length === 3 && layout === 'chw' && want[2]! > 1) {
      const [h, w, c] = want as [number, number, number];
      return tf.transpose(tf.reshape(x, [n, c, h, w]), [0, 2, 3, 1]);
    }
    return tf.reshape(x, [n, ...want]);
  });
}

/** A set whose batches are reshaped to the model's input (the same set when they already fit). */
function fitInputs(data: FitData, t: Target, layout: 'chw' | 'hwc'): FitData {
  const want = modelInputShape(t, product(data.inputShape));
  if (data.inputShape.length === want.length && data.inputShape.every((d, i) => d === want[i])) return data;
  if (product(data.inputShape) !== product(want)) {
    throw new Error(`${t.label} takes inputs of shape [${want.join(', ')}], but ${data.name} has examples of shape [${data.inputShape.join(', ')}]: is it the model's data set?`);
  }
  return {
    name: data.name, size: data.size, inputShape: want, targetShape: data.targetShape,
    batch: (indices, epoch) => {
      const { x, y } = data.batch(indices, epoch);
      const adapted = toModelInput(x, t, layout);
      x.dispose();
      return { x: adapted, y };
    },
  };
}

/** What `evaluate --json` prints. */
export interface EvaluateResult {
  target: string;
  kind: Target['kind'];
  task: TaskName;
  dataset: string;
  sigma?: number;
  split: (typeof SPLITS)[number];
  examples: number;
  batchSize: number;
  metricName: 'psnr' | 'accuracy';
  metric: number;
  loss: number;
}

/** Scores a target on the first `limit` examples (default all) of a split. */
export async function evaluateTarget(target: string, a: TargetArgs & { split: (typeof SPLITS)[number]; limit?: number }, loadData: DataLoader): Promise<EvaluateResult> {
  const t = await loadTarget(target, a);
  try {
    const { data, splits, task, dataset } = await loadTargetSplit(t, a.split, a, loadData);
    try {
      const set = firstExamples(data, a.limit);
      const objective = taskObjective(task);
      const ev = await evaluate(t.model, set, { batchSize: t.batchSize, loss: objective.loss, metric: objective.metric });
      return {
        target, kind: t.kind, task, dataset, ...(t.sigma !== undefined ? { sigma: t.sigma } : {}), split: a.split, examples: set.size,
        batchSize: t.batchSize, metricName: objective.metric, metric: ev.metric, loss: ev.loss,
      };
    } finally {
      splits.dispose?.();
    }
  } finally {
    t.model.dispose();
  }
}

/** One line for people. */
export function formatEvaluation(r: EvaluateResult): string {
  const metric = r.metricName === 'psnr' ? `${r.metric.toFixed(2)} dB` : `${(100 * r.metric).toFixed(2)}%`;
  return `${r.split} ${r.metricName} ${metric}, loss ${r.loss.toFixed(5)} on ${r.examples.toLocaleString('en-US')} examples of ${r.dataset}/${r.task}/${r.split} (${r.kind} ${r.target}, batch ${r.batchSize})`;
}

/** The flags evaluate and predict share: what the target was trained on, and how to read its data. */
export function withTargetFlags(command: Command, ctx: CommandContext): Command {
  return command
    .addOption(new Option('--task <name>', 'the task, when the target does not record it (a bare model folder)').argParser(oneOf('--task', TASKS)))
    .addOption(new Option('--dataset <name>', `the data set, when the target does not record it (${DATASETS.join(' | ')})`).argParser(oneOf('--dataset', DATASETS)))
    .option('--sigma <std>', 'denoising noise standard deviation (default: the run\'s, else 0.25)', nonNegativeNumber('--sigma'))
    .addOption(new Option('--split <name>', 'which split').choices(SPLITS).default('test'))
    .option('--batch-size <n>', 'examples per batch (default: the run\'s, else 128; PSNR is a mean over batches)', positiveInt('--batch-size'))
    .option('--data-dir <dir>', 'read the data set\'s files from this directory, never downloading')
    .option('--backend <name>', ctx.backendHelp(), 'wasm')
    .option('--json', 'print JSON for machines');
}

/** Registers `evaluate` on the program. */
export function registerEvaluate(program: Command, ctx: CommandContext): void {
  ctx.withPlugins(withTargetFlags(program
    .command('evaluate')
    .description('score a saved model on a split: a run directory (train --out), a model folder, or a pretrained model\'s name')
    .argument('<run-dir-or-model>', 'a run directory, a model folder (model.json + weights.bin), or a pretrained name (with --plugin @mlp-blocks/pretrained)'), ctx)
    .option('--limit <n>', 'score the first n examples of the split only', positiveInt('--limit')))
    .action(async (target: string, opts: TargetArgs & { split: (typeof SPLITS)[number]; limit?: number; backend: BackendName; json?: boolean; plugin: string[] }) => {
      await ctx.usePlugins(opts);
      await ctx.useBackend(opts.backend);
      const r = await evaluateTarget(target, opts, ctx.loadData);
      process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `${formatEvaluation(r)}\n`);
    });
}
