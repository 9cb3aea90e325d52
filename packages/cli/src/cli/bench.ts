import * as tf from '@tensorflow/tfjs-core';
import { type ModelSpec, familyOf, inputKindOf, resolveSpec } from '@mlp-blocks/core';
import { AdamW, mse, trainStep } from '@mlp-blocks/train';
import { builderSpec } from '../run/image-models.js';
import { checkTrialSize, resolveModelArg } from '../run/spec.js';
import { buildSeeded } from '../run/trial.js';

/** What `mlp-blocks bench` measured. */
export interface BenchResult {
  spec: ModelSpec;
  backend: string;
  batchSize: number;
  trainable: number;
  /** Steps per timed window, after `warmup` untimed steps. */
  steps: number;
  warmup: number;
  /** Training samples per second of each window. */
  windows: number[];
  /** The median window. */
  samplesPerSecond: number;
}

/**
 * The largest batch `bench` allocates, in elements of its input (or target) tensor: 2^28, a 1 GiB float32 batch.
 * `--batch-size` × the larger of a model's input and output sizes per example must not exceed it.
 */
export const MAX_BATCH_ELEMENTS = 2 ** 28;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Training throughput of a spec on the current backend: the same step as `fit` (forward, MSE, gradients,
 * AdamW) on a fixed random batch, `warmup` untimed steps (kernel compilation, weight packing), then
 * `windows` timed windows of `steps` steps each. Each window ends by reading the loss, so queued work counts.
 */
export async function benchSpec(model: string, o: { inputDim: number; outputDim: number; batchSize: number; steps: number; warmup: number; windows: number; maxParams?: number }): Promise<BenchResult> {
  let spec: ModelSpec;
  let counts: ReturnType<typeof checkTrialSize>;
  try {
    spec = resolveModelArg(model);
    // A flat family takes --input-dim / --output-dim where the spec has none; other families size themselves.
    if (familyOf(spec).inputKind === 'flat') spec = { inputDim: o.inputDim, outputDim: o.outputDim, ...spec };
    counts = checkTrialSize(spec, o.maxParams); // closed form: an absurd size fails before anything is built
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith('--model') ? msg : `--model: ${msg}`);
  }
  const net = buildSeeded(spec, 0, o.maxParams !== undefined ? { maxParams: o.maxParams } : {});
  let x: tf.Tensor | undefined;
  let y: tf.Tensor | undefined;
  let optimizer: AdamW | undefined;
  try {
    // An image family may leave height and width open in its input layer: take them from its resolved options.
    const resolved = resolveSpec(builderSpec(spec));
    const imageShape = inputKindOf(resolved) === 'image'
      ? [null, ...(resolved.options['imageSize'] as [number, number]), resolved.options['inputChannels'] as number]
      : net.inputs[0]!.shape;
    const perExample = (shape: readonly (number | null)[]) => shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    const widest = Math.max(perExample(imageShape), perExample(net.outputs[0]!.shape));
    if (o.batchSize * widest > MAX_BATCH_ELEMENTS) {
      throw new Error(`--batch-size must be at most ${Math.floor(MAX_BATCH_ELEMENTS / widest).toLocaleString('en-US')} for ${spec.model} `
        + `(${widest.toLocaleString('en-US')} values per example; a batch may hold at most ${MAX_BATCH_ELEMENTS.toLocaleString('en-US')}), received ${o.batchSize}`);
    }
    // Inputs and targets of the model's own shapes (vectors, images or tokens), random.
    const batchOf = (shape: readonly (number | null)[], seed: number, dtype: 'float32' | 'int32') => {
      const full = [o.batchSize, ...shape.slice(1).map((d) => d ?? 1)];
      return dtype === 'int32' ? tf.zeros(full, 'int32') : tf.randomUniform(full, 0, 1, 'float32', seed);
    };
    x = batchOf(imageShape, 1, net.inputs[0]!.dtype === 'int32' ? 'int32' : 'float32');
    y = batchOf(net.outputs[0]!.shape, 2, 'float32');
    optimizer = new AdamW({ learningRate: 1e-4 });
    const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
    let step = 0;
    for (let i = 0; i < o.warmup; i++) await trainStep(net, vars, optimizer, mse, x, y, 0, step++);
    const windows: number[] = [];
    for (let w = 0; w < o.windows; w++) {
      const t0 = performance.now();
      for (let i = 0; i < o.steps; i++) await trainStep(net, vars, optimizer, mse, x, y, 0, step++);
      windows.push((o.steps * o.batchSize) / ((performance.now() - t0) / 1000));
    }
    return {
      spec, backend: tf.getBackend(), batchSize: o.batchSize, trainable: counts.trainable, steps: o.steps, warmup: o.warmup,
      windows: windows.map((v) => Math.round(v * 10) / 10), samplesPerSecond: Math.round(median(windows) * 10) / 10,
    };
  } finally {
    tf.dispose([x, y].filter((t) => t !== undefined));
    optimizer?.dispose();
    net.dispose();
  }
}

/** Human form of a bench result. */
export function formatBench(r: BenchResult): string {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  return [
    `${r.spec.model} (${r.trainable.toLocaleString('en-US')} trainable parameters), batch ${r.batchSize}, backend ${r.backend}`,
    `training: ${n(r.samplesPerSecond)} samples/s (median of ${r.windows.length} windows of ${r.steps} steps after ${r.warmup} warm-up steps; windows ${r.windows.map(n).join(', ')})`,
  ].join('\n');
}
