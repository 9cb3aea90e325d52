import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SeededRandomState } from '@mlp-blocks/core';
import { CheckpointError, type StoredArray, readCheckpointFile, writeCheckpointFile } from '../io/checkpoint-file.js';
import type { AdamW } from '../optim/adamw.js';
import { LR_PATHS, type RunFingerprint, diffFingerprints } from './fingerprint.js';
import { type RunShape, checkProgress } from './progress-check.js';
import type { EpochLog } from './progress.js';

export type { RunFingerprint } from './fingerprint.js';

/** The best evaluation so far: its epoch, loss and metric. */
export interface BestEval {
  epoch: number;
  evalLoss: number;
  evalMetric: number;
}

/** Where a run stands; everything but the tensors that a checkpoint holds. */
export interface RunProgress {
  /** The epoch in progress (0-based), or `epochs` when training is over. */
  epoch: number;
  /** Batches of `epoch` already trained. */
  batch: number;
  /** Optimizer steps taken so far (the schedule position). */
  step: number;
  /** Sum and count of the training losses of `epoch` so far, for its mean. */
  epochLossSum: number;
  epochLossCount: number;
  /** Shuffle generator state right after drawing `order` (or, between epochs, before the next draw). */
  rng: SeededRandomState;
  history: EpochLog[];
  best: BestEval | null;
  /** Epochs since the best one (early stopping). */
  sinceBest: number;
  stoppedEarly: boolean;
  /** Seconds spent training across all sessions of the run. */
  seconds: number;
  /** Settings changed on a resume (only the learning rate may change), in order. */
  changes: SettingChange[];
}

/** A setting changed when a run was resumed: from the step it took effect. */
export interface SettingChange {
  step: number;
  setting: 'lr';
  from: number;
  to: number;
}

/** A run's state as saved: progress, the data order of the epoch in progress, and all tensors as host arrays. */
export interface RunState {
  progress: RunProgress;
  /** The current epoch's data order, or null between epochs. */
  order: Int32Array | null;
  /** Model weights in `model.weights` order (including non-trainable ones such as batch-norm statistics). */
  weights: Float32Array[];
  /** Best-eval weights, same order, or null. */
  bestWeights: Float32Array[] | null;
}

const KIND = 'mlp-blocks/fit';

/** Reads every model weight to the host, in `model.weights` order. */
export async function readWeights(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map(async (w) => Float32Array.from(await w.read().data() as Float32Array)));
}

/** Writes host arrays back into the model's weights (same order and sizes as readWeights). */
export function writeWeights(model: tfl.LayersModel, arrays: Float32Array[], source: string): void {
  const weights = model.weights;
  if (arrays.length !== weights.length) throw new CheckpointError(source, `holds ${arrays.length} model weights, the model has ${weights.length}`);
  weights.forEach((w, i) => {
    const a = arrays[i]!;
    const size = w.shape.reduce<number>((p, d) => p * (d ?? 1), 1);
    if (a.length !== size) throw new CheckpointError(source, `weight ${i} (${w.originalName}) has ${a.length} values, the model's has shape [${w.shape}]`);
    const t = tf.tensor(a, w.shape as number[], 'float32');
    w.write(t);
    t.dispose();
  });
}

/**
 * Saves a run: weights, optimizer moments (by position among the trainable weights, since tfjs variable
 * names differ between processes), progress, data order and RNG state, best weights, and the fingerprint.
 */
export async function saveRun(file: string, model: tfl.LayersModel, optimizer: AdamW, state: Omit<RunState, 'weights'>, fingerprint: RunFingerprint): Promise<void> {
  const weights = await readWeights(model);
  const names = model.weights.map((w) => w.originalName);
  const trainableIndex = new Map(model.trainableWeights.map((w, i) => [(w.read() as tf.Variable).name, i]));
  const opt = await optimizer.getWeights();
  const arrays: StoredArray[] = weights.map((data, i) => ({ name: `model/${i}`, dtype: 'float32', shape: model.weights[i]!.shape as number[], data }));
  if (state.bestWeights) state.bestWeights.forEach((data, i) => arrays.push({ name: `best/${i}`, dtype: 'float32', shape: model.weights[i]!.shape as number[], data }));
  for (const { name, tensor } of opt) {
    if (name === 'iter') {
      arrays.push({ name: 'adamw/iter', dtype: 'int32', shape: [], data: Int32Array.from(await tensor.data()) });
      tensor.dispose(); // a fresh scalar; the moments are the optimizer's live variables
      continue;
    }
    const slot = name.endsWith('/adamw_m') ? 'm' : 'v';
    const index = trainableIndex.get(name.slice(0, -'/adamw_m'.length));
    if (index === undefined) throw new Error(`saveRun: optimizer state ${name} belongs to no trainable weight of the model`);
    arrays.push({ name: `adamw/${slot}/${index}`, dtype: 'float32', shape: tensor.shape, data: Float32Array.from(await tensor.data() as Float32Array) });
  }
  if (state.order) arrays.push({ name: 'order', dtype: 'int32', shape: [state.order.length], data: state.order });
  writeCheckpointFile(file, { kind: KIND, fingerprint, progress: state.progress, weightNames: names }, arrays);
}

/** How loadRun checks a checkpoint against the run resuming it. */
export interface LoadRunOptions extends RunShape {
  /** The one setting that may differ on resume, by explicit opt-in: the learning rate. */
  allowLrChange?: boolean;
}

const show = (v: unknown) => JSON.stringify(v) ?? 'none';
const sameShape = (a: readonly number[], b: readonly (number | null)[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Loads a run saved by saveRun into the model and optimizer, after checking that it belongs to this run (every
 * fingerprinted setting; with allowLrChange, all but the learning rate), that its progress fits this run, and
 * that every array has the name, dtype and shape this model and optimizer need. Nothing is written into the
 * model or optimizer unless all checks pass. Returns the state and, if the learning rate changed, the change.
 */
export async function loadRun(file: string, model: tfl.LayersModel, optimizer: AdamW, fingerprint: RunFingerprint, o: LoadRunOptions): Promise<RunState & { lrChange: { from: number; to: number } | null }> {
  const { meta, arrays, version } = readCheckpointFile(file);
  const m = (meta !== null && typeof meta === 'object' ? meta : {}) as { kind?: unknown; fingerprint?: unknown; progress?: unknown };
  if (m.kind !== KIND) throw new CheckpointError(file, `is not a training checkpoint (kind ${show(m.kind)})`);
  if (m.fingerprint === null || typeof m.fingerprint !== 'object' || Array.isArray(m.fingerprint)) throw new CheckpointError(file, `corrupt header: fingerprint is ${show(m.fingerprint)}`);
  const saved = m.fingerprint as RunFingerprint;
  // Format-1 files predate most fingerprinted settings: compare the ones they recorded.
  const diffs = diffFingerprints(saved, fingerprint, { onlySaved: version === 1, ...(o.allowLrChange ? { ignore: LR_PATHS } : {}) });
  if (diffs.length > 0) {
    const hint = diffs.some((d) => LR_PATHS.has(d.setting))
      ? ' (the learning rate alone may change on resume, by explicit opt-in: fit\'s allowLrChange, or --lr given to mlp-blocks train --resume)' : '';
    throw new CheckpointError(file, `cannot resume: it was written with ${diffs.map((d) => `${d.setting} ${show(d.saved)}, this run has ${show(d.now)}`).join('; ')}${hint}`);
  }
  const lrChange = o.allowLrChange && typeof saved.lr === 'number' && saved.lr !== fingerprint.lr ? { from: saved.lr, to: fingerprint.lr as number } : null;
  const progress = checkProgress(file, m.progress, o);

  const used = new Set<string>();
  const take = (name: string, dtype: 'float32' | 'int32', shape: readonly (number | null)[], flatOk = false): StoredArray => {
    const a = arrays.get(name);
    if (!a) throw new CheckpointError(file, `is missing the array ${name}`);
    const size = shape.reduce<number>((p, d) => p * (d ?? 1), 1);
    // Format 1 stored best weights flat.
    if (a.dtype !== dtype || !(sameShape(a.shape, shape) || (flatOk && sameShape(a.shape, [size])))) {
      throw new CheckpointError(file, `array ${name} is ${a.dtype} [${a.shape}], this model needs ${dtype} [${shape}]`);
    }
    used.add(name);
    return a;
  };
  const weights = model.weights.map((w, i) => take(`model/${i}`, 'float32', w.shape).data as Float32Array);
  const bestWeights = progress.best && arrays.has('best/0') ? model.weights.map((w, i) => take(`best/${i}`, 'float32', w.shape, version === 1).data as Float32Array) : null;
  if (progress.best && !bestWeights) throw new CheckpointError(file, `records a best evaluation (epoch ${progress.best.epoch + 1}) but holds no best weights`);
  const iter = take('adamw/iter', 'int32', []).data[0]!;
  if (iter !== progress.step) throw new CheckpointError(file, `optimizer step count ${iter} disagrees with the run's step ${progress.step}`);
  const trainable = model.trainableWeights;
  const hasMoments = arrays.has('adamw/m/0');
  const moments = hasMoments ? trainable.map((w, i) => ({ w, m: take(`adamw/m/${i}`, 'float32', w.shape), v: take(`adamw/v/${i}`, 'float32', w.shape) })) : [];
  if (progress.step > 0 && trainable.length > 0 && !hasMoments) throw new CheckpointError(file, `is missing the optimizer moments after ${progress.step} steps`);
  const order = progress.batch > 0 ? (take('order', 'int32', [o.dataSize]).data as Int32Array) : null;
  if (order && !isPermutation(order)) throw new CheckpointError(file, `the data order of epoch ${progress.epoch + 1} is not a permutation of 0..${o.dataSize - 1}`);
  const extra = [...arrays.keys()].filter((n) => !used.has(n));
  if (extra.length > 0) throw new CheckpointError(file, `holds arrays this run has no place for: ${extra.join(', ')}`);

  writeWeights(model, weights, file);
  const opt: Array<{ name: string; tensor: tf.Tensor }> = [{ name: 'iter', tensor: tf.scalar(iter, 'int32') }];
  for (const { w, m: mm, v } of moments) {
    const name = (w.read() as tf.Variable).name;
    opt.push({ name: `${name}/adamw_m`, tensor: tf.tensor(mm.data, w.shape as number[], 'float32') });
    opt.push({ name: `${name}/adamw_v`, tensor: tf.tensor(v.data, w.shape as number[], 'float32') });
  }
  await optimizer.setWeights(opt);
  tf.dispose(opt.map((t) => t.tensor));
  return { progress, order, weights, bestWeights, lrChange };
}

function isPermutation(order: Int32Array): boolean {
  const seen = new Uint8Array(order.length);
  for (const i of order) {
    if (i < 0 || i >= order.length || seen[i]) return false;
    seen[i] = 1;
  }
  return true;
}

/** True when a checkpoint file exists at `file`. */
export function hasCheckpoint(file: string): boolean {
  return fs.existsSync(file);
}
