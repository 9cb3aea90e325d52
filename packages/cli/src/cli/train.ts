import * as fs from 'node:fs';
import * as path from 'node:path';
import { FitInterruptedError, NonFiniteLossError, appendLineDurable, type ProgressMode, type ScheduleKind } from '@mlp-blocks/train';
import { firstExamples } from '../run/load-data.js';
import { ensureWritableDir } from '../run/out-dir.js';
import { defaultRunDir, modelLabel } from '../run/run-dir.js';
import { checkTrialSize, fillSpec, resolveModelArg } from '../run/spec.js';
import type { DataLoader, TaskName } from '../run/tasks.js';
import { type TrialConfig, type TrialRecord, runTrial, trialId } from '../run/trial.js';
import { latestById, readResults } from '../sweep/results.js';
import { RESULTS } from '../sweep/sweep.js';
import { INTERRUPTED_EXIT, trapInterrupt } from './interrupt.js';
import { readSpec } from './spec.js';

export interface TrainArgs {
  task: TaskName;
  dataset: string;
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** The run directory; without it, a fresh one under runs/ (see defaultRunDir). */
  out?: string;
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
  /** Evaluate and test on the first n examples of the eval and test sets only. */
  evalLimit?: number;
  /** Seconds between plain progress lines without a terminal. */
  logEvery?: number;
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
export function resumeCommand(a: TrainArgs & { out: string }, lr: number): string {
  const words = ['mlp-blocks', 'train', '--task', a.task, '--dataset', a.dataset, '--model', a.model, '--epochs', String(a.epochs),
    '--batch-size', String(a.batchSize), '--seed', String(a.seed), '--schedule', a.schedule, '--warmup', String(a.warmup),
    '--weight-decay', String(a.weightDecay), '--patience', String(a.patience)];
  if (a.checkpointEvery) words.push('--checkpoint-every', String(a.checkpointEvery));
  if (a.sigma !== undefined) words.push('--sigma', String(a.sigma));
  if (a.limit !== undefined) words.push('--limit', String(a.limit));
  if (a.evalLimit !== undefined) words.push('--eval-limit', String(a.evalLimit));
  if (a.dataDir) words.push('--data-dir', a.dataDir);
  if (a.backend) words.push('--backend', a.backend);
  if (a.maxParams !== undefined) words.push('--max-params', String(a.maxParams));
  words.push('--out', a.out, '--resume', '--lr', String(lr));
  return words.map(shellWord).join(' ');
}

/** A divergence, with the exact commands that continue the run at a tenth of the learning rate. */
function divergenceError(e: NonFiniteLossError, a: TrainArgs & { out: string }): Error {
  if (!e.checkpoint) return new Error(`${e.message.split('. ')[0]}. No checkpoint had been written yet; start again with a lower --lr (e.g. ${Number((a.lr / 10).toPrecision(3))}).`);
  const cmd = resumeCommand(a, Number((a.lr / 10).toPrecision(3)));
  const best = e.best && e.best.step !== e.checkpointStep ? ` If the weights had blown up before the loss did, continue from the best evaluation (epoch ${e.best.epoch + 1}, step ${e.best.step}) instead: cp ${shellWord(e.best.file)} ${shellWord(e.checkpoint)} && ${cmd}` : '';
  return new Error(`${e.message.split('. ')[0]}. To continue from the last checkpoint (step ${e.checkpointStep}, ${e.checkpoint}) at a tenth of the learning rate: ${cmd}.${best}`);
}

/**
 * A Ctrl-C stop: prints where the run stopped and the exact command that continues it, and becomes exit code 130
 * (an error with an exitCode is not printed again by runCli).
 */
function interruptedExit(e: FitInterruptedError, a: TrainArgs & { out: string }): Error {
  process.stderr.write(`interrupted at epoch ${e.epoch + 1}, step ${e.step}; its checkpoint is ${e.checkpoint}. To continue: ${resumeCommand(a, a.lr)}\n`);
  return Object.assign(new Error('interrupted'), { exitCode: INTERRUPTED_EXIT });
}

/** A second Ctrl-C: quit now, naming the command that continues from the last checkpoint written, if any. */
function quitNow(a: TrainArgs & { out: string }): never {
  const last = fs.existsSync(path.join(path.resolve(a.out), 'checkpoint.ckpt'));
  process.stderr.write(last ? `quit; the last checkpoint written is kept. To continue from it: ${resumeCommand(a, a.lr)}\n` : 'quit before the first checkpoint; nothing to resume\n');
  process.exit(INTERRUPTED_EXIT);
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
export async function trainCommand(args: TrainArgs, loadData: DataLoader): Promise<void> {
  const rawSpec = modelSpec(args.model); // fails before any data loads
  if (args.resume && args.out === undefined) throw new Error('--resume needs --out <dir>, the run directory to continue');
  const a = { ...args, out: args.out ?? defaultRunDir(args.task, modelLabel(args.model, rawSpec.model)) };
  if (args.out === undefined) process.stderr.write(`run directory: ${a.out} (no --out given)\n`);
  const out = path.resolve(a.out);
  const resultsFile = path.join(out, RESULTS);
  if (!a.resume && fs.existsSync(resultsFile)) throw new Error(`--out: ${out} already holds a finished run; choose another directory (or --resume to print its result)`);
  if (!a.resume && fs.existsSync(path.join(out, 'checkpoint.ckpt'))) throw new Error(`--out: ${out} holds an unfinished run; pass --resume to continue it or choose another directory`);
  ensureWritableDir('--out', out); // before the data loads and an epoch is spent
  const data = { ...(a.sigma !== undefined ? { sigma: a.sigma } : {}), ...(a.limit !== undefined ? { limit: a.limit } : {}) };
  const loaded = await loadData({ task: a.task, dataset: a.dataset, seed: a.seed, ...data, ...(a.dataDir ? { dataDir: a.dataDir } : {}) });
  // --eval-limit cuts here, not in the loader, so it holds for any data loader.
  const splits = a.evalLimit === undefined ? loaded
    : { ...loaded, eval: firstExamples(loaded.eval, a.evalLimit), ...(loaded.test ? { test: firstExamples(loaded.test, a.evalLimit) } : {}) };
  try {
    const spec = fillSpec(rawSpec, splits, a.task);
    checkTrialSize(spec, a.maxParams); // closed form, before anything is built
    const config: TrialConfig = {
      task: a.task, dataset: a.dataset, spec, lr: a.lr, seed: a.seed, epochs: a.epochs, batchSize: a.batchSize,
      schedule: a.schedule, ...(a.warmup ? { warmupSteps: a.warmup } : {}), weightDecay: a.weightDecay, ...(a.patience ? { patience: a.patience } : {}),
      ...data, ...(a.evalLimit !== undefined ? { evalLimit: a.evalLimit } : {}),
    };
    const id = trialId(config);
    const finished = latestById(readResults(resultsFile)).find((r) => r.id === id);
    let record: TrialRecord;
    if (finished) {
      record = finished;
      if (!a.json) process.stderr.write(`${out} already finished this run; its result:\n`);
    } else {
      const interrupt = trapInterrupt(() => quitNow(a), (line) => process.stderr.write(`${line}\n`));
      try {
        record = await runTrial(config, splits, {
          dir: out, relativeDir: '.', ...(a.maxParams !== undefined ? { maxParams: a.maxParams } : {}), resume: a.resume ?? false, allowLrChange: a.lrGiven ?? false, progress: a.progress, keepModel: true,
          ...(a.checkpointEvery ? { checkpointEvery: a.checkpointEvery } : {}), ...(a.logEvery !== undefined ? { logEvery: a.logEvery } : {}), signal: interrupt.signal,
        });
      } catch (e) {
        if (e instanceof FitInterruptedError) throw interruptedExit(e, a);
        throw e instanceof NonFiniteLossError ? divergenceError(e, a) : e;
      } finally {
        interrupt.dispose();
      }
      appendLineDurable(resultsFile, JSON.stringify(record));
    }
    process.stdout.write(a.json ? `${JSON.stringify(record)}\n` : `${describeRecord(record, out)}\n`);
  } finally {
    loaded.dispose?.();
  }
}
