import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type FitData, writeFileAtomic } from '@mlp-blocks/train';
import type { TaskSplits } from './tasks.js';

/** A few examples with the model's outputs, stored beside a run for the report's picture. */
export interface Samples {
  count: number;
  inputShape: number[];
  targetShape: number[];
  /** [height, width, channels] of a target image, when known. */
  imageShape: [number, number, number] | null;
  layout: 'chw' | 'hwc';
  inputs: Float32Array;
  outputs: Float32Array;
  targets: Float32Array;
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const unb64 = (s: string) => {
  const bytes = Buffer.from(s, 'base64');
  return new Float32Array(new Uint8Array(bytes).buffer);
};

/** Runs the model (inference mode) on the first `k` examples of `data` and writes samples.json atomically. */
export async function writeSamples(file: string, model: tfl.LayersModel, data: FitData, k: number, splits: Pick<TaskSplits, 'imageShape' | 'layout'>): Promise<void> {
  const n = Math.min(k, data.size);
  const { x, y } = data.batch(Int32Array.from({ length: n }, (_, i) => i), 0);
  const out = model.apply(x, { training: false }) as tf.Tensor;
  const [inputs, outputs, targets] = await Promise.all([x.data(), out.data(), y.data()]) as Float32Array[];
  tf.dispose([x, y, out]);
  const body = {
    count: n, inputShape: data.inputShape, targetShape: data.targetShape, imageShape: splits.imageShape ?? null,
    layout: splits.layout ?? 'chw', inputs: b64(Float32Array.from(inputs!)), outputs: b64(Float32Array.from(outputs!)), targets: b64(Float32Array.from(targets!)),
  };
  writeFileAtomic(file, JSON.stringify(body));
}

/** Reads a samples.json, naming the file if it is not one. */
export function readSamples(file: string): Samples {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`samples ${file}: cannot read it (${(e as Error).message})`);
  }
  if (typeof raw['inputs'] !== 'string' || typeof raw['count'] !== 'number') throw new Error(`samples ${file}: not a samples file (no count/inputs)`);
  return {
    count: raw['count'] as number, inputShape: raw['inputShape'] as number[], targetShape: raw['targetShape'] as number[],
    imageShape: (raw['imageShape'] as [number, number, number] | null) ?? null, layout: (raw['layout'] as 'chw' | 'hwc') ?? 'chw',
    inputs: unb64(raw['inputs'] as string), outputs: unb64(raw['outputs'] as string), targets: unb64(raw['targets'] as string),
  };
}
