import * as fs from 'node:fs';
import * as path from 'node:path';
import { NonFiniteLossError, appendLineDurable, type ProgressMode, type ScheduleKind } from '@mlp-blocks/train';
import { ensureWritableDir } from '../run/out-dir.js';
import { checkTrialSize, fillSpec, resolveModelArg } from '../run/spec.js';
import type { DataLoader, TaskName } from '../run/tasks.js';
import { type TrialConfig, type TrialRecord, runTrial, trialId } from '../run/trial.js';
import { latestById, readResults } from '../sweep/results.js';
import { RESULTS } from '../sweep/sweep.js';
import { readSpec } from './spec.js';

export interface TrainArgs {
  task: TaskName;
  dataset: string;
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  out: string;
  resume?: boolean;
  json?: boolean;
  schedule: ScheduleKind;
  warmup: number;
  weightDecay: number;
  patience: number;
  checkpointEvery?: number;
  progress: ProgressMode;
  sigma?: number;
  limit?: number;
  dataDir?: string;
  /** True when --lr was given on the command line: only then may a resume change the learning rate. */
  lrGiven?: boolean;
  backend?: string;
  /** The size cap (--max-params); core's DEFAULT_MAX_PARAMS when not given. */
  maxParams?: number;
}

/** Quotes a word for a POSIX shell when it needs it. */
const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The `mlp-blocks train` command that resumes this run at learning rate `lr` (every run-defining option kept). */
export function resumeCommand(a: TrainArgs, lr: number): string {
  const words = ['mlp-blocks', 'train', '--task', a.task, '--dataset', a.dataset, '--model', a.model, '--epochs', String(a.epochs),
    '--batch-size', String(a.batchSize), '--seed', String(a.seed), '--schedule', a.schedule, '--warmup', String(a.warmup),
    '--weight-decay', String(a.weightDecay), '--patience', String(a.patience)];
  if (a.checkpointEvery) words.push('--checkpoint-every', String(a.checkpointEvery));
  if (a.sigma !== undefined) words.push('--sigma', String(a.sigma));
  if (a.limit !== undefined) words.push('--limit', String(a.limit));
  if (a.dataDir) words.push('--data-dir', a.dataDir);
  if (a.backend) words.push('--backend', a.backend);
  if (a.maxParams !== undefined) words.push('--max-params', String(a.maxParams));
  words.push('--out', a.out, '--resume', '--lr', String(lr));
  return words.map(shellWord).join(' ');
}

/** A divergence, with the exact commands that continue the run at a tenth of the learning rate. */
function divergenceError(e: NonFiniteLossError, a: TrainArgs): Error {
  if (!e.checkpoint) return new Error(`${e.message.split('. ')[0]}. No checkpoint had been written yet; start again with a lower --lr (e.g. ${Number((a.lr / 10).toPrecision(3))}).`);
  const cmd = resumeCommand(a, Number((a.lr / 10).toPrecision(3)));
  const best = e.best && e.best.step !== e.checkpointStep ? ` If the weights had blown up before the loss did, continue from the best evaluation (epoch ${e.best.epoch + 1}, step ${e.best.step}) instead: cp ${shellWord(e.best.file)} ${shellWord(e.checkpoint)} && ${cmd}` : '';
  return new Error(`${e.message.split('. ')[0]}. To continue from the last checkpoint (step ${e.checkpointStep}, ${e.checkpoint}) at a tenth of the learning rate: ${cmd}.${best}`);
}

/** `--model`: a preset name, inline JSON, or a JSON file. Errors are prefixed with the option. */
function modelSpec(value: string) {
  const isFile = !value.trim().startsWith('{') && fs.existsSync(value);
  try {
    return isFile ? resolveModelArg(JSON.stringify(readSpec(value, '--model'))) : resolveModelArg(value);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith('--model') ? msg : `--model: ${msg}`);
  }
}

/** Human summary of a finished run. */
export function describeRecord(r: TrialRecord, dir: string): string {
  const m = (v: number | null) => (v == null ? '-' : r.metricName === 'psnr' ? `${v.toFixed(2)} dB` : `${(100 * v).toFixed(2)}%`);
  return [
    `trained ${r.id}: ${r.params.trainable.toLocaleString('en-US')} trainable parameters, ${r.epochsRun} epoch${r.epochsRun === 1 ? '' : 's'} (${r.steps} steps) in ${r.seconds.toFixed(1)} s`,
    `best epoch ${r.bestEpoch ?? '-'}: eval loss ${r.evalLoss?.toFixed(5) ?? '-'}, eval ${r.metricName} ${m(r.evalMetric)}`,
    `test ${r.metricName} ${m(r.testMetric)}, test loss ${r.testLoss?.toFixed(5) ?? '-'}`,
    `wrote ${dir} (results.jsonl, result.json, model/, samples.json); \`mlp-blocks report ${dir}\` draws its pictures`,
  ].join('\n');
}

/** The `train` command: one run, checkpointed in --out, appended to --out/results.jsonl when done. */
export async function trainCommand(a: TrainArgs, loadData: DataLoader): Promise<void> {
  const rawSpec = modelSpec(a.model); // fails before any data loads
  const out = path.resolve(a.out);
  const resultsFile = path.join(out, RESULTS);
  if (!a.resume && fs.existsSync(resultsFile)) throw new Error(`--out: ${out} already holds a finished run; choose another directory (or --resume to print its result)`);
  if (!a.resume && fs.existsSync(path.join(out, 'checkpoint.ckpt'))) throw new Error(`--out: ${out} holds an unfinished run; pass --resume to continue it or choose another directory`);
  ensureWritableDir('--out', out); // before the data loads and an epoch is spent
  const data = { ...(a.sigma !== undefined ? { sigma: a.sigma } : {}), ...(a.limit !== undefined ? { limit: a.limit } : {}) };
  const splits = await loadData({ task: a.task, dataset: a.dataset, seed: a.seed, ...data, ...(a.dataDir ? { dataDir: a.dataDir } : {}) });
  try {
    const spec = fillSpec(rawSpec, splits, a.task);
    checkTrialSize(spec, a.maxParams); // closed form, before anything is built
    const config: TrialConfig = {
      task: a.task, dataset: a.dataset, spec, lr: a.lr, seed: a.seed, epochs: a.epochs, batchSize: a.batchSize,
      schedule: a.schedule, ...(a.warmup ? { warmupSteps: a.warmup } : {}), weightDecay: a.weightDecay, ...(a.patience ? { patience: a.patience } : {}),
      ...data,
    };
    const id = trialId(config);
    const finished = latestById(readResults(resultsFile)).find((r) => r.id === id);
    let record: TrialRecord;
    if (finished) {
      record = finished;
      if (!a.json) process.stderr.write(`${out} already finished this run; its result:\n`);
    } else {
      try {
        record = await runTrial(config, splits, {
          dir: out, relativeDir: '.', ...(a.maxParams !== undefined ? { maxParams: a.maxParams } : {}), resume: a.resume ?? false, allowLrChange: a.lrGiven ?? false, progress: a.progress, keepModel: true,
          ...(a.checkpointEvery ? { checkpointEvery: a.checkpointEvery } : {}),
        });
      } catch (e) {
        throw e instanceof NonFiniteLossError ? divergenceError(e, a) : e;
      }
      appendLineDurable(resultsFile, JSON.stringify(record));
    }
    process.stdout.write(a.json ? `${JSON.stringify(record)}\n` : `${describeRecord(record, out)}\n`);
  } finally {
    splits.dispose?.();
  }
}
