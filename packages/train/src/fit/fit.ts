import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, SeededRandom, checkTrainable, validate } from '@mlp-blocks/core';
import { type FitData, checkFitData } from '../data.js';
import { type LossFn, type LossName, getLoss } from '../losses.js';
import { type MetricName, checkMetric } from '../metrics.js';
import { AdamW } from '../optim/adamw.js';
import { SCHEDULES, type Schedule, type ScheduleKind, makeSchedule } from '../schedules.js';
import { readCheckpointFile } from '../io/checkpoint-file.js';
import { writeFileAtomic } from '../io/files.js';
import { type BestEval, type RunFingerprint, type RunProgress, type SettingChange, hasCheckpoint, loadRun, readWeights, saveRun, writeWeights } from './checkpoint.js';
import { FitInterruptedError, NonFiniteLossError } from './errors.js';
import { defaultMetric, evaluateWith } from './evaluate.js';
import { type EpochLog, PROGRESS_MODES, type ProgressMode, checkLogEvery, createProgress } from './progress.js';
import { permutation } from './seeded.js';
import { trainStep } from './step.js';

/** Hooks into the loop; each may be async. Returning 'stop' from onBatchEnd or onEpochEnd ends training there. */
export interface FitCallbacks {
  /** Before the first step (after a resumed run has restored its checkpoint). */
  onTrainBegin?(info: { epochs: number; batchesPerEpoch: number; resumedAtStep: number | null }): void | Promise<void>;
  /** After each optimizer step. */
  onBatchEnd?(info: { epoch: number; batch: number; step: number; loss: number; lr: number }): void | 'stop' | Promise<void | 'stop'>;
  /** After each epoch, with its log. */
  onEpochEnd?(log: EpochLog): void | 'stop' | Promise<void | 'stop'>;
  /** After each checkpoint is on disk. */
  onCheckpoint?(info: { file: string; epoch: number; step: number }): void | Promise<void>;
  /** Once training ends, with the result `fit` is about to return. */
  onTrainEnd?(result: FitResult): void | Promise<void>;
}

/** Options of `fit`; only `epochs` and `batchSize` are required. */
export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Peak learning rate. Default 1e-3. */
  lr?: number;
  /** AdamW decoupled weight decay. Default 0.01 (the Hourglass authors' setting). */
  weightDecay?: number;
  /** 'linear' decay to 0 (default, the authors' schedule), 'cosine', 'constant', or a Schedule over steps. */
  schedule?: ScheduleKind | Schedule;
  /** Linear warm-up steps before a named schedule. Default 0. */
  warmupSteps?: number;
  /** Default 'mse'. */
  loss?: LossName | LossFn;
  /** Reported each epoch. Default: 'psnr' with mse, 'accuracy' with cross-entropy. */
  metric?: MetricName;
  /** Evaluated after each epoch; its loss picks the best weights and drives early stopping. */
  evalData?: FitData;
  /** Default batchSize. */
  evalBatchSize?: number;
  /** Seeds the shuffle and the random ops of each step. Default 0. */
  seed?: number;
  /** Default true. */
  shuffle?: boolean;
  /** Checkpoint file (written atomically after every epoch and every `checkpointEvery` steps). */
  checkpoint?: string;
  /** Also checkpoint every this many steps. Default: only at epoch ends. */
  checkpointEvery?: number;
  /** Continue from `checkpoint` if it exists (it must come from the same run settings). Default false. */
  resume?: boolean;
  /**
   * On resume, let `lr` differ from the checkpoint's (e.g. lower after a divergence): the schedule continues
   * from the same step with the new peak rate, and the change is recorded in `FitResult.changes`. Default false.
   */
  allowLrChange?: boolean;
  /**
   * Settings outside fit that define the run (model spec, task, data options...), plain JSON. Saved in the
   * checkpoint; a resume with any of them different is refused, naming each one with both values.
   */
  fingerprint?: Record<string, unknown>;
  /** Stop after this many epochs without an eval-loss improvement greater than `minDelta`. */
  earlyStop?: { patience: number; minDelta?: number };
  /** Put the best-eval weights back into the model at the end. Default true when evalData is given. */
  restoreBest?: boolean;
  /** 'auto' (bar on a TTY, lines otherwise), 'bar', 'log' or 'none'. Default 'auto'. */
  progress?: ProgressMode;
  /** Where progress goes. Default process.stderr. */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between the plain progress lines of 'log' mode (0: every step). Default 10. */
  logEvery?: number;
  /**
   * Stops training when aborted (e.g. on Ctrl-C): the step in flight finishes, a checkpoint of it is written
   * (with `checkpoint`; at an epoch's last step, after that epoch's evaluation), and fit throws FitInterruptedError.
   */
  signal?: AbortSignal;
  callbacks?: FitCallbacks;
}

/** What `fit` returns: the per-epoch history, the best evaluation and how the run went. */
export interface FitResult {
  history: EpochLog[];
  best: BestEval | null;
  /** Optimizer steps taken over the whole run. */
  steps: number;
  epochsRun: number;
  stoppedEarly: boolean;
  /** The step a resumed run continued from, or null. */
  resumedFromStep: number | null;
  /** Seconds of training over all sessions of the run. */
  seconds: number;
  /** Settings changed on resume (the learning rate, with allowLrChange), in order. */
  changes: SettingChange[];
}

/** Resolves after pending I/O and signal callbacks have had their turn. */
const nextTurn = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Where fit keeps a copy of the checkpoint of the best evaluation so far, next to `file`. */
export function bestCheckpointFile(file: string): string {
  return file.endsWith('.ckpt') ? `${file.slice(0, -'.ckpt'.length)}.best.ckpt` : `${file}.best`;
}

function resolve(options: FitOptions, data: FitData) {
  const owner = 'fit';
  if (options == null || typeof options !== 'object') throw new ConfigError(owner, 'options', 'an object', options);
  checkFitData(owner, 'data', data);
  if (options.evalData !== undefined) checkFitData(owner, 'evalData', options.evalData);
  const epochs = validate.positiveInt(owner, 'epochs', options.epochs);
  const batchSize = validate.positiveInt(owner, 'batchSize', options.batchSize);
  const lr = validate.positiveNumber(owner, 'lr', options.lr ?? 1e-3);
  const loss = options.loss ?? 'mse';
  getLoss(loss, owner);
  const metric = checkMetric(owner, options.metric ?? defaultMetric(loss));
  const seed = validate.seed32(owner, 'seed', options.seed ?? 0);
  const progress = validate.oneOf(owner, 'progress', options.progress ?? 'auto', PROGRESS_MODES);
  const logEvery = options.logEvery === undefined ? undefined : checkLogEvery(owner, options.logEvery);
  const checkpointEvery = options.checkpointEvery === undefined ? 0 : validate.positiveInt(owner, 'checkpointEvery', options.checkpointEvery);
  if (options.resume && !options.checkpoint) throw new ConfigError(owner, 'resume', 'used together with a checkpoint file', options.resume);
  const patience = options.earlyStop ? validate.positiveInt(owner, 'earlyStop.patience', options.earlyStop.patience) : 0;
  const minDelta = options.earlyStop?.minDelta ?? 0;
  // Batch statistics need two examples: a trailing batch of one is skipped rather than crash batch norm.
  const batchesPerEpoch = data.size % batchSize === 1 && data.size > 1 ? Math.floor(data.size / batchSize) : Math.ceil(data.size / batchSize);
  const totalSteps = epochs * batchesPerEpoch;
  const schedule = typeof options.schedule === 'object'
    ? options.schedule
    : makeSchedule({ kind: validate.oneOf(owner, 'schedule', options.schedule ?? 'linear', SCHEDULES), lr, totalSteps, warmupSteps: options.warmupSteps ?? 0 });
  return {
    epochs, batchSize, lr, loss, metric, seed, progress, logEvery, checkpointEvery, patience, minDelta, batchesPerEpoch, schedule,
    weightDecay: options.weightDecay ?? 0.01,
    evalBatchSize: options.evalBatchSize === undefined ? batchSize : validate.positiveInt(owner, 'evalBatchSize', options.evalBatchSize),
    shuffle: options.shuffle ?? true,
    restoreBest: options.restoreBest ?? options.evalData !== undefined,
  };
}

/**
 * Trains a tfjs LayersModel on a FitData with AdamW and a hand-written step: shuffled batches (seeded),
 * the learning-rate schedule per step, evaluation after each epoch, best-eval weights kept, optional early
 * stop, progress, callbacks, and atomic checkpoints that a resumed run continues from exactly. A NaN or
 * infinite loss throws NonFiniteLossError without applying that step or touching the last checkpoint.
 */
export async function fit(model: tfl.LayersModel, data: FitData, options: FitOptions): Promise<FitResult> {
  const o = resolve(options, data);
  // Before any step or checkpoint: a layer the backend cannot train (a conv2d on wasm) is named with its fix.
  checkTrainable(model);
  const cb = options.callbacks ?? {};
  const lossFn = getLoss(o.loss);
  const optimizer = new AdamW({ learningRate: o.lr, weightDecay: o.weightDecay });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const fingerprint: RunFingerprint = {
    data: data.name, dataSize: data.size, evalData: options.evalData ? `${options.evalData.name}/${options.evalData.size}` : null,
    epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay, schedule: o.schedule.config,
    loss: typeof o.loss === 'string' ? o.loss : 'custom', seed: o.seed, shuffle: o.shuffle, weights: model.weights.length,
    metric: o.metric, earlyStop: o.patience > 0 ? { patience: o.patience, minDelta: o.minDelta } : null,
  };
  for (const [key, value] of Object.entries(options.fingerprint ?? {})) {
    if (key in fingerprint) throw new ConfigError('fit', `fingerprint.${key}`, 'a setting name fit does not use itself', value);
    fingerprint[key] = value === undefined ? null : value;
  }
  const file = options.checkpoint ? path.resolve(options.checkpoint) : null;
  let lastCheckpointStep: number | null = null;

  let progress: RunProgress = {
    epoch: 0, batch: 0, step: 0, epochLossSum: 0, epochLossCount: 0, rng: new SeededRandom(o.seed).getState(),
    history: [], best: null, sinceBest: 0, stoppedEarly: false, seconds: 0, changes: [],
  };
  let order: Int32Array | null = null;
  let bestWeights: Float32Array[] | null = null;
  let resumedFromStep: number | null = null;
  let lrChanged: SettingChange | null = null;
  if (file && options.resume && hasCheckpoint(file)) {
    const state = await loadRun(file, model, optimizer, fingerprint, {
      epochs: o.epochs, batchesPerEpoch: o.batchesPerEpoch, dataSize: data.size, allowLrChange: options.allowLrChange ?? false,
    });
    ({ progress, order, bestWeights } = state);
    resumedFromStep = progress.step;
    lastCheckpointStep = progress.step;
    if (state.lrChange) {
      lrChanged = { step: progress.step, setting: 'lr', ...state.lrChange };
      progress = { ...progress, changes: [...progress.changes, lrChanged] };
    }
  }
  const rng = SeededRandom.fromState(progress.rng);
  const sessionStart = performance.now();
  const secondsBefore = progress.seconds;
  const elapsed = () => secondsBefore + (performance.now() - sessionStart) / 1000;
  const sink = createProgress(o.progress, options.progressStream ?? process.stderr, {
    epochs: o.epochs, batchesPerEpoch: o.batchesPerEpoch, ...(o.logEvery !== undefined ? { logEvery: o.logEvery } : {}),
  });
  const interrupted = () => new FitInterruptedError(progress.epoch, progress.step, file);
  const save = async () => {
    if (!file) return;
    progress.seconds = elapsed();
    await saveRun(file, model, optimizer, { progress: { ...progress, rng: rng.getState() }, order, bestWeights }, fingerprint);
    lastCheckpointStep = progress.step;
    await cb.onCheckpoint?.({ file, epoch: progress.epoch, step: progress.step });
  };
  const result = (): FitResult => ({
    history: progress.history, best: progress.best, steps: progress.step, epochsRun: progress.history.length,
    stoppedEarly: progress.stoppedEarly, resumedFromStep, seconds: progress.seconds, changes: progress.changes,
  });
  // The best evaluation's checkpoint, as recorded inside that file (a kill between the two writes can leave it older).
  const bestSaved = () => {
    if (!file || !fs.existsSync(bestCheckpointFile(file))) return null;
    try {
      const p = (readCheckpointFile(bestCheckpointFile(file)).meta as { progress: RunProgress }).progress;
      return { file: bestCheckpointFile(file), epoch: p.best!.epoch, step: p.step };
    } catch {
      return null;
    }
  };

  try {
    await cb.onTrainBegin?.({ epochs: o.epochs, batchesPerEpoch: o.batchesPerEpoch, resumedAtStep: resumedFromStep });
    if (resumedFromStep !== null) sink.message(`resuming from ${file} at epoch ${progress.epoch + 1}, step ${progress.step}`);
    if (lrChanged) sink.message(`learning rate changed on resume: ${lrChanged.from} -> ${lrChanged.to} from step ${lrChanged.step}`);
    let stop = progress.stoppedEarly;
    while (!stop && progress.epoch < o.epochs) {
      const epoch = progress.epoch;
      const started = performance.now();
      if (!order) order = o.shuffle ? permutation(rng, data.size) : Int32Array.from({ length: data.size }, (_, i) => i);
      sink.epochStart(epoch, progress.batch);
      let lr = o.schedule.at(progress.step);
      while (progress.batch < o.batchesPerEpoch) {
        const indices = order.subarray(progress.batch * o.batchSize, Math.min(data.size, (progress.batch + 1) * o.batchSize));
        const { x, y } = data.batch(indices, epoch);
        lr = o.schedule.at(progress.step);
        optimizer.learningRate = lr;
        let loss: number;
        try {
          loss = await trainStep(model, vars, optimizer, lossFn, x, y, o.seed, progress.step);
        } finally {
          tf.dispose([x, y]);
        }
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(loss, epoch, progress.step, lastCheckpointStep === null ? null : file, lastCheckpointStep, bestSaved());
        progress.step += 1;
        progress.batch += 1;
        progress.epochLossSum += loss;
        progress.epochLossCount += 1;
        sink.step(progress.batch, loss, lr, indices.length);
        if ((await cb.onBatchEnd?.({ epoch, batch: progress.batch - 1, step: progress.step, loss, lr })) === 'stop') stop = true;
        if (o.checkpointEvery > 0 && progress.step % o.checkpointEvery === 0 && progress.batch < o.batchesPerEpoch) await save();
        if (stop) break;
        // A step's await settles as a microtask on CPU backends: without a turn of the event loop, a signal
        // handler (Ctrl-C) could not run, and so could not abort, until training ended.
        if (options.signal) await nextTurn();
        // Mid-epoch only: a checkpoint must not sit between an epoch's last step and its evaluation.
        if (options.signal?.aborted && progress.batch < o.batchesPerEpoch) {
          await save();
          throw interrupted();
        }
      }
      if (stop && progress.batch < o.batchesPerEpoch) break; // stopped mid-epoch by a callback: no epoch log
      const evaluation = options.evalData
        ? await evaluateWith(model, options.evalData, { batchSize: o.evalBatchSize, loss: o.loss, metric: o.metric }, sink, `epoch ${epoch + 1}/${o.epochs} eval`)
        : null;
      progress.seconds = elapsed();
      const log: EpochLog = {
        epoch, loss: progress.epochLossSum / Math.max(1, progress.epochLossCount), evalLoss: evaluation?.loss ?? null,
        evalMetric: evaluation?.metric ?? null, metricName: o.metric, lr, steps: progress.step, seconds: (performance.now() - started) / 1000,
      };
      progress.history = [...progress.history, log];
      if (evaluation && Number.isFinite(evaluation.loss)) {
        if (!progress.best || evaluation.loss < progress.best.evalLoss - o.minDelta) {
          progress.best = { epoch, evalLoss: evaluation.loss, evalMetric: evaluation.metric };
          progress.sinceBest = 0;
          bestWeights = await readWeights(model);
        } else {
          progress.sinceBest += 1;
        }
        if (o.patience > 0 && progress.sinceBest >= o.patience) {
          progress.stoppedEarly = true;
          stop = true;
        }
      }
      const improved = progress.best?.epoch === epoch && progress.sinceBest === 0;
      progress = { ...progress, epoch: epoch + 1, batch: 0, epochLossSum: 0, epochLossCount: 0 };
      order = null;
      sink.epochEnd(log);
      await save();
      // A copy from before any later blow-up, for resuming after a divergence.
      if (file && improved) writeFileAtomic(bestCheckpointFile(file), fs.readFileSync(file));
      if (progress.stoppedEarly) sink.message(`early stop: no eval-loss improvement for ${o.patience} epochs (best epoch ${progress.best!.epoch + 1})`);
      if ((await cb.onEpochEnd?.(log)) === 'stop') stop = true;
      if (options.signal?.aborted) throw interrupted(); // the epoch's checkpoint is on disk
    }
    if (o.restoreBest && bestWeights) writeWeights(model, bestWeights, 'best weights');
    progress.seconds = elapsed();
    const out = result();
    await cb.onTrainEnd?.(out);
    return out;
  } finally {
    sink.stop();
    optimizer.dispose();
  }
}
