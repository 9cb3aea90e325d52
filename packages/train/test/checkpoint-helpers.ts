// Shared by the checkpoint tests: a real mid-epoch checkpoint of a tiny run, and byte-level rewrites of it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@mlp-blocks/hourglass';
import { buildModel } from '@mlp-blocks/core';
import { fit } from '../src/index.js';
import { loadRun } from '../src/fit/checkpoint.js';
import { readCheckpointFile } from '../src/io/checkpoint-file.js';
import { AdamW } from '../src/optim/adamw.js';
import { toyDenoise } from './toy-data.js';

export const spec = { model: 'hourglass', inputDim: 64, outputDim: 64, width: 16, bottleneck: 4, depth: 1, lift: 'trainable' };
export const tiny = (seed = 3): tfl.LayersModel => buildModel(spec, { seed });
export const splits = toyDenoise();
/** The run the checkpoint belongs to: 512 examples in batches of 64 (8 per epoch), 2 epochs. */
export const runShape = { epochs: 2, batchesPerEpoch: 8, dataSize: 512 };
export const fitOptions = { epochs: 2, batchSize: 64, lr: 2e-3, seed: 5, evalData: splits.eval, progress: 'none' as const, checkpointEvery: 5 };

/** Trains until step 13 and stops: the checkpoint of step 10 is mid-epoch 2, with data order, best weights and moments. */
export async function writeRealCheckpoint(file: string): Promise<void> {
  const m = tiny();
  await fit(m, splits.train, { ...fitOptions, checkpoint: file, callbacks: { onBatchEnd: ({ step }) => (step === 13 ? 'stop' : undefined) } });
  m.dispose();
}

/** Loads `file` the way a resume does (into a fresh model and optimizer), with the original run's fingerprint. */
export async function loadInto(file: string, fingerprintFrom: string, model: tfl.LayersModel) {
  const fingerprint = (readCheckpointFile(fingerprintFrom).meta as { fingerprint: Record<string, unknown> }).fingerprint;
  const optimizer = new AdamW({ learningRate: 1e-3 });
  try {
    const state = await loadRun(file, model, optimizer, fingerprint, runShape);
    const opt = await optimizer.getWeights();
    const moments = await Promise.all(opt.map(async (o) => Array.from(await o.tensor.data())));
    opt[0]!.tensor.dispose(); // 'iter' is a fresh scalar; the moments are the optimizer's own
    return { state, moments };
  } finally {
    optimizer.dispose();
  }
}

interface Parsed { headerLength: number; header: Record<string, unknown> & { meta: Record<string, unknown>; arrays: Array<Record<string, unknown>> } }

export function parse(bytes: Buffer): Parsed {
  const headerLength = bytes.readUInt32LE(8);
  return { headerLength, header: JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) };
}

/** Rewrites the header JSON (the file's hash, if any, is kept as it was: stale after an edit). */
export function editHeader(bytes: Buffer, edit: (h: Parsed['header']) => void): Buffer {
  const { headerLength, header } = parse(bytes);
  edit(header);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(12);
  bytes.copy(head, 0, 0, 8);
  head.writeUInt32LE(json.length, 8);
  return Buffer.concat([head, json, bytes.subarray(12 + headerLength)]);
}

/** The same checkpoint in format 1, as releases before the whole-file checksum wrote it. */
export function toVersion1(bytes: Buffer): Buffer {
  const { headerLength, header } = parse(bytes);
  const payload = bytes.subarray(12 + headerLength, bytes.length - 32);
  const v1 = { version: 1, meta: header.meta, arrays: header.arrays, sha256: createHash('sha256').update(payload).digest('hex') };
  const json = Buffer.from(JSON.stringify(v1), 'utf8');
  const head = Buffer.alloc(12);
  head.write('MLPBCKP1', 0, 'ascii');
  head.writeUInt32LE(json.length, 8);
  return Buffer.concat([head, json, payload]);
}

export const weightsOf = (m: tfl.LayersModel) => m.weights.map((w) => Array.from(w.read().dataSync()));
export const read = (file: string) => readFileSync(file);
