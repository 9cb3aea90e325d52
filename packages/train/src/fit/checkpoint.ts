import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SeededRandomState } from '@mlp-blocks/core';
import { CheckpointError, type StoredArray, readCheckpointFile, writeCheckpointFile } from '../io/checkpoint-file.js';
import type { AdamW } from '../optim/adamw.js';
import type { EpochLog } from './progress.js';

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

/** What a run was started with; a resume must match it field for field. */
export type RunFingerprint = Record<string, string | number | boolean | null | Record<string, unknown>>;

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
  if (state.bestWeights) state.bestWeights.forEach((data, i) => arrays.push({ name: `best/${i}`, dtype: 'float32', shape: [data.length], data }));
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

/** Loads a run saved by saveRun into the model and optimizer, checking it belongs to this run. */
export async function loadRun(file: string, model: tfl.LayersModel, optimizer: AdamW, fingerprint: RunFingerprint): Promise<RunState> {
  const { meta, arrays } = readCheckpointFile(file);
  const m = meta as { kind?: string; fingerprint: RunFingerprint; progress: RunProgress; weightNames: string[] };
  if (m?.kind !== KIND) throw new CheckpointError(file, `is not a training checkpoint (kind ${JSON.stringify(m?.kind)})`);
  for (const key of new Set([...Object.keys(fingerprint), ...Object.keys(m.fingerprint)])) {
    const a = JSON.stringify(m.fingerprint[key] ?? null);
    const b = JSON.stringify(fingerprint[key] ?? null);
    if (a !== b) throw new CheckpointError(file, `cannot resume: it was written with ${key} ${a}, this run has ${b}`);
  }
  const take = (name: string): StoredArray => {
    const a = arrays.get(name);
    if (!a) throw new CheckpointError(file, `is missing the array ${name}`);
    return a;
  };
  const weights = model.weights.map((_, i) => take(`model/${i}`).data as Float32Array);
  writeWeights(model, weights, file);
  const bestWeights = m.progress.best && arrays.has('best/0') ? model.weights.map((_, i) => take(`best/${i}`).data as Float32Array) : null;
  const trainable = model.trainableWeights;
  const opt: Array<{ name: string; tensor: tf.Tensor }> = [{ name: 'iter', tensor: tf.scalar(take('adamw/iter').data[0]!, 'int32') }];
  trainable.forEach((w, i) => {
    if (!arrays.has(`adamw/m/${i}`)) return; // no step taken yet
    const name = (w.read() as tf.Variable).name;
    opt.push({ name: `${name}/adamw_m`, tensor: tf.tensor(take(`adamw/m/${i}`).data, w.shape as number[], 'float32') });
    opt.push({ name: `${name}/adamw_v`, tensor: tf.tensor(take(`adamw/v/${i}`).data, w.shape as number[], 'float32') });
  });
  await optimizer.setWeights(opt);
  tf.dispose(opt.map((o) => o.tensor));
  const order = arrays.has('order') ? (take('order').data as Int32Array) : null;
  return { progress: m.progress, order, weights, bestWeights };
}

/** True when a checkpoint file exists at `file`. */
export function hasCheckpoint(file: string): boolean {
  return fs.existsSync(file);
}
