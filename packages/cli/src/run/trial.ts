import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ModelSpec, type SizeOptions, countParams } from '@mlp-blocks/core';
import { fileSystem } from '@mlp-blocks/core/node';
import { bestCheckpointFile, evaluate, fit, type FitData, type ProgressMode, type ScheduleKind, type SettingChange, withSeededRandom, writeFileAtomic } from '@mlp-blocks/train';
import { buildModel } from './image-models.js';
import { RECORD_FORMAT } from './record-format.js';
import { writeSamples } from './samples.js';
import { hashOf } from './spec.js';
import { type TaskName, type TaskSplits, taskObjective } from './tasks.js';

/** Everything that defines one training run (a sweep trial, or a `train` command). */
export interface TrialConfig {
  task: TaskName;
  dataset: string;
  /** A complete model spec (inputDim/outputDim filled in). */
  spec: ModelSpec;
  lr: number;
  seed: number;
  epochs: number;
  batchSize: number;
  schedule?: ScheduleKind;
  warmupSteps?: number;
  weightDecay?: number;
  /** Early-stop patience in epochs; 0 for none. */
  patience?: number;
  /** Denoising noise standard deviation, when not the default 0.25. */
  sigma?: number;
  /** Trained on the first `limit` training examples only (a reduced protocol). */
  limit?: number;
  /** Evaluated and tested on the first `evalLimit` examples of the eval and test sets only. */
  evalLimit?: number;
}

/** One line of results.jsonl: a finished run and its scores. */
export interface TrialRecord {
  /** The record format (RECORD_FORMAT: 1-based epochs); absent in format 1 records, which readers convert. */
  format?: number;
  id: string;
  /** The model family (the spec's `model`), which the report draws one frontier per. */
  family: string;
  config: TrialConfig;
  params: { trainable: number; nonTrainable: number; total: number };
  metricName: 'psnr' | 'accuracy';
  evalLoss: number | null;
  evalMetric: number | null;
  testLoss: number | null;
  testMetric: number | null;
  /** The epoch (1-based, as printed) whose eval loss was lowest: the weights scored on the test set. */
  bestEpoch: number | null;
  epochsRun: number;
  steps: number;
  stoppedEarly: boolean;
  seconds: number;
  /** Directory of the run's files (samples, model), relative to the results file. */
  dir: string;
  /**
   * Per epoch (1-based, as `bestEpoch`): mean training loss, eval loss and eval metric. Records written before
   * this field existed have none.
   */
  history?: Array<{ epoch: number; loss: number; evalLoss: number | null; evalMetric: number | null }>;
  /** Settings changed when the run was resumed (a lowered learning rate after a divergence); absent if none. */
  changes?: SettingChange[];
}

/** The stable id of a trial: its family and a hash of its whole configuration. */
export function trialId(config: TrialConfig): string {
  return `${config.spec.model}-${hashOf(config, 10)}`;
}

/** Options of `runTrial`. */
export interface RunTrialOptions {
  /** Where the run's checkpoint, samples and (optionally) model go. */
  dir: string;
  /** `dir` relative to the results file, recorded in the record. */
  relativeDir: string;
  resume?: boolean;
  /** On resume, let `config.lr` differ from the checkpoint's; the change is recorded in the record. Default false. */
  allowLrChange?: boolean;
  progress?: ProgressMode;
  /** Seconds between plain progress lines without a terminal (fit's logEvery). */
  logEvery?: number;
  /** Aborting it stops training after the step in flight, checkpointed (fit throws FitInterruptedError). */
  signal?: AbortSignal;
  checkpointEvery?: number;
  /** Keep the best model (tfjs model.json + weights.bin) under dir/model. Default false. */
  keepModel?: boolean;
  /** Delete the checkpoint once the run finished. Default false. */
  dropCheckpoint?: boolean;
  /** How many test (or eval) examples to store for the report's picture. Default 8. */
  samples?: number;
  /** The size cap of the build (core's DEFAULT_MAX_PARAMS unless given; the CLI's --max-params). */
  maxParams?: number;
}

/** Builds a spec's model with initial weights drawn from `seed`, the same in every process. */
export function buildSeeded(spec: ModelSpec, seed: number, size: SizeOptions = {}): tfl.LayersModel {
  return withSeededRandom(seed, () => buildModel(spec, size));
}

/**
 * Trains one configuration with checkpoints in `dir`, scores the best-eval weights on the test set,
 * stores a few input/output/target samples for reports, and returns its record.
 */
export async function runTrial(config: TrialConfig, splits: TaskSplits, o: RunTrialOptions): Promise<TrialRecord> {
  fs.mkdirSync(o.dir, { recursive: true });
  const model = buildSeeded(config.spec, config.seed, o.maxParams !== undefined ? { maxParams: o.maxParams } : {});
  try {
    const objective = taskObjective(config.task);
    const result = await fit(model, splits.train, {
      epochs: config.epochs, batchSize: config.batchSize, lr: config.lr, seed: config.seed,
      weightDecay: config.weightDecay ?? 0.01, schedule: config.schedule ?? 'linear', warmupSteps: config.warmupSteps ?? 0,
      loss: objective.loss, metric: objective.metric, evalData: splits.eval,
      ...(config.patience ? { earlyStop: { patience: config.patience } } : {}),
      checkpoint: path.join(o.dir, 'checkpoint.ckpt'), ...(o.checkpointEvery ? { checkpointEvery: o.checkpointEvery } : {}),
      resume: o.resume ?? false, allowLrChange: o.allowLrChange ?? false, progress: o.progress ?? 'auto',
      ...(o.logEvery !== undefined ? { logEvery: o.logEvery } : {}), ...(o.signal ? { signal: o.signal } : {}),
      // What fit cannot see for itself; a resume with any of it changed is refused. (evalLimit only when given:
      // checkpoints from before it existed must still resume.)
      fingerprint: {
        task: config.task, dataset: config.dataset, spec: config.spec, sigma: config.sigma ?? 'default', limit: config.limit ?? 'all',
        ...(config.evalLimit !== undefined ? { evalLimit: config.evalLimit } : {}),
      },
    });
    const progress = { progress: o.progress ?? 'auto', progressLabel: 'test', ...(o.logEvery !== undefined ? { logEvery: o.logEvery } : {}) } as const;
    const test = splits.test ? await evaluate(model, splits.test, { batchSize: config.batchSize, loss: objective.loss, metric: objective.metric, ...progress }) : null;
    const sampleSet: FitData = splits.test ?? splits.eval;
    await writeSamples(path.join(o.dir, 'samples.json'), model, sampleSet, o.samples ?? 8, splits);
    if (o.keepModel) await model.save(fileSystem(path.join(o.dir, 'model')));
    // fit counts epochs from 0 (as its checkpoints do); records count them from 1, as every printed line does.
    const record: TrialRecord = {
      format: RECORD_FORMAT, id: trialId(config), family: config.spec.model, config, params: countParams(model), metricName: objective.metric,
      evalLoss: result.best?.evalLoss ?? null, evalMetric: result.best?.evalMetric ?? null,
      testLoss: test?.loss ?? null, testMetric: test?.metric ?? null, bestEpoch: result.best ? result.best.epoch + 1 : null,
      epochsRun: result.epochsRun, steps: result.steps, stoppedEarly: result.stoppedEarly, seconds: round(result.seconds, 3),
      dir: o.relativeDir,
      history: result.history.map((h) => ({ epoch: h.epoch + 1, loss: h.loss, evalLoss: h.evalLoss, evalMetric: h.evalMetric })),
      ...(result.changes.length > 0 ? { changes: result.changes } : {}),
    };
    writeFileAtomic(path.join(o.dir, 'result.json'), `${JSON.stringify(record, null, 2)}\n`);
    if (o.dropCheckpoint) {
      fs.rmSync(path.join(o.dir, 'checkpoint.ckpt'), { force: true });
      fs.rmSync(bestCheckpointFile(path.join(o.dir, 'checkpoint.ckpt')), { force: true });
    }
    return record;
  } finally {
    model.dispose();
  }
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
