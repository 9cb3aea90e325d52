// Issue 19, item 1: the whole checkpoint file is covered by its checksum, and its header is validated in full
// against the run and model resuming it. Format-1 files (array-only checksum) are still read.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, fit } from '../src/index.js';
import { editHeader, fitOptions, loadInto, read, splits, tiny, toVersion1, weightsOf, writeRealCheckpoint } from './checkpoint-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-ckpt-header-'));
const original = join(dir, 'original.ckpt');
beforeAll(async () => {
  await tf.setBackend('cpu');
  await writeRealCheckpoint(original);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Expects loading `bytes` to fail with a CheckpointError naming the file, leaving the model untouched. */
async function expectRefused(name: string, bytes: Buffer, message: string) {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const model = tiny(9);
  const before = weightsOf(model);
  const tensors = tf.memory().numTensors;
  const error = await loadInto(file, original, model).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as CheckpointError).file).toBe(file);
  expect((error as Error).message).toBe(`checkpoint ${file}: ${message}`);
  expect(weightsOf(model)).toEqual(before);
  expect(tf.memory().numTensors).toBe(tensors);
  model.dispose();
}

type Header = Parameters<Parameters<typeof editHeader>[1]>[0];
const progressOf = (h: Header) => h.meta.progress as Record<string, unknown> & { rng: { state: number }; best: { evalLoss: number } };

// Each edit gave different weights or a raw TypeError/RangeError before this change.
const edits: Array<[string, (h: Header) => void]> = [
  ['step', (h) => { progressOf(h).step = 30; }],
  ['batch', (h) => { progressOf(h).batch = 1; }],
  ['epoch', (h) => { progressOf(h).epoch = 0; }],
  ['rng state', (h) => { progressOf(h).rng.state += 1; }],
  ['best eval loss', (h) => { progressOf(h).best.evalLoss /= 2; }],
  ['array offset', (h) => { h.arrays[1]!.offset = (h.arrays[1]!.offset as number) + 4; }],
  ['dtype', (h) => { h.arrays[0]!.dtype = 'int32'; }],
  ['missing arrays key', (h) => { delete (h as Record<string, unknown>).arrays; }],
  ['missing fingerprint', (h) => { delete h.meta.fingerprint; }],
];

describe('a format-2 checkpoint with an edited header', () => {
  it('resumes through fit only when untouched; a flipped digit in "step" is refused', async () => {
    const bytes = read(original);
    const text = bytes.toString('latin1');
    const at = text.indexOf('"step":10,');
    expect(at).toBeGreaterThan(0);
    const flipped = Buffer.from(bytes);
    flipped[at + 7] = flipped[at + 7]! ^ 0x02; // '1' -> '3': "step":30, the same length, as in the issue
    const file = join(dir, 'flipped.ckpt');
    writeFileSync(file, flipped);
    const m = tiny();
    await expect(fit(m, splits.train, { ...fitOptions, checkpoint: file, resume: true }))
      .rejects.toThrow(new CheckpointError(file, 'checksum mismatch: the file is corrupt or was edited'));
    m.dispose();
  });

  for (const [name, edit] of edits) {
    it(`refuses an edited ${name}`, async () => {
      await expectRefused(`v2-${name}.ckpt`, editHeader(read(original), edit), 'checksum mismatch: the file is corrupt or was edited');
    });
  }
});

describe('a format-1 checkpoint (written before the whole-file checksum)', () => {
  it('still resumes, to exactly the state the format-2 file gives', async () => {
    const v1 = join(dir, 'v1.ckpt');
    writeFileSync(v1, toVersion1(read(original)));
    const a = tiny(9);
    const b = tiny(10);
    const fromV2 = await loadInto(original, original, a);
    const fromV1 = await loadInto(v1, original, b);
    expect(fromV1.state.progress).toEqual(fromV2.state.progress);
    expect(fromV1.state.progress.step).toBe(10);
    expect(Array.from(fromV1.state.order!)).toEqual(Array.from(fromV2.state.order!));
    expect(fromV1.moments).toEqual(fromV2.moments);
    expect(weightsOf(b)).toEqual(weightsOf(a));
    a.dispose();
    b.dispose();
  });

  // Its checksum covers the arrays only, so the header is checked field by field against the run and model.
  const v1Cases: Array<[string, (h: Header) => void, string]> = [
    ['step', (h) => { progressOf(h).step = 30; }, 'corrupt progress: step is 30, expected 10 (epoch 1 × 8 batches + batch 2)'],
    ['batch', (h) => { progressOf(h).batch = 9; }, 'corrupt progress: batch is 9, expected an integer in [0, 7]'],
    ['epoch', (h) => { progressOf(h).epoch = 1.5; }, 'corrupt progress: epoch is 1.5, expected an integer in [0, 2]'],
    ['rng state', (h) => { progressOf(h).rng.state = -1; }, 'corrupt progress: rng is {"state":-1,"spareNormal":null}, expected {state: uint32, spareNormal: number | null}'],
    ['best epoch', (h) => { (progressOf(h).best as unknown as { epoch: number }).epoch = 1; }, 'corrupt progress: best is {"epoch":1,"evalLoss":'],
    ['array offset', (h) => { h.arrays[1]!.offset = 0; }, 'corrupt header (array 1: model/1 has offset 0, expected '],
    ['dtype', (h) => { h.arrays[0]!.dtype = 'int32'; }, 'array model/0 is int32 [64,16], this model needs float32 [64,16]'],
    ['unknown dtype', (h) => { h.arrays[0]!.dtype = 'float64'; }, 'corrupt header (array 0: model/0 has dtype "float64", expected "float32" or "int32")'],
    ['odd length', (h) => { h.arrays[0]!.length = 4097; }, 'corrupt header (array 0: model/0 has length 4097, its shape [64,16] needs 4096 bytes)'],
    ['shape', (h) => { h.arrays[0]!.shape = [16, 64]; }, 'array model/0 is float32 [16,64], this model needs float32 [64,16]'],
    ['missing arrays key', (h) => { delete (h as Record<string, unknown>).arrays; }, 'corrupt header ("arrays" is missing, not a list)'],
    ['missing fingerprint', (h) => { delete h.meta.fingerprint; }, 'corrupt header: fingerprint is none'],
    ['missing sha256', (h) => { delete (h as Record<string, unknown>).sha256; }, 'corrupt header (sha256 undefined is not a SHA-256)'],
    ['settings', (h) => { (h.meta.fingerprint as Record<string, unknown>).batchSize = 32; }, 'cannot resume: it was written with batchSize 32, this run has 64'],
  ];
  for (const [name, edit, message] of v1Cases) {
    it(`refuses an edited ${name}, naming the field`, async () => {
      const bytes = editHeader(toVersion1(read(original)), edit);
      const file = join(dir, `v1-${name}.ckpt`);
      writeFileSync(file, bytes);
      const model = tiny(9);
      const before = weightsOf(model);
      const error = await loadInto(file, original, model).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message.startsWith(`checkpoint ${file}: ${message}`), (error as Error).message).toBe(true);
      expect(weightsOf(model)).toEqual(before);
      model.dispose();
    });
  }
});
