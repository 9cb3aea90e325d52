import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@mlp-blocks/hourglass';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '@mlp-blocks/core';
import { type FitData, NonFiniteLossError, arrayData, evaluate, fit } from '../src/index.js';
import { readCheckpointFile } from '../src/io/checkpoint-file.js';
import { toyDenoise } from './toy-data.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-fit-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = { model: 'hourglass', inputDim: 64, outputDim: 64, width: 32, bottleneck: 6, depth: 2, lift: 'trainable' };
const tiny = (seed = 3): tfl.LayersModel => buildModel(spec, { seed });
const splits = toyDenoise();
const weightsOf = (m: tfl.LayersModel) => m.weights.map((w) => Array.from(w.read().dataSync()));

/** A sink stream that records what it was sent; `tty` pretends to be a terminal. */
function capture(tty: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }) as Writable & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = 100;
    (stream as unknown as { cursorTo: () => boolean }).cursorTo = () => true;
    (stream as unknown as { clearLine: () => boolean }).clearLine = () => true;
  }
  return { stream, text: () => chunks.join('') };
}

describe('fit', () => {
  it('trains, evaluates each epoch, keeps the best-eval weights and leaks no tensors', async () => {
    const model = tiny();
    const log = capture(false);
    const untrained = await evaluate(model, splits.eval, { batchSize: 64 });
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const result = await fit(model, splits.train, {
      epochs: 3, batchSize: 64, lr: 3e-3, evalData: splits.eval, progress: 'log', progressStream: log.stream,
      callbacks: { onEpochEnd: (l) => { epochs.push(l.epoch); } },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(epochs).toEqual([0, 1, 2]);
    expect(result.steps).toBe(3 * 8);
    expect(result.history).toHaveLength(3);
    expect(result.history[2]!.loss).toBeLessThan(result.history[0]!.loss);
    // The model now holds the best epoch's weights: evaluating it gives the best eval loss.
    const best = result.best!;
    expect(best.evalLoss).toBe(Math.min(...result.history.map((h) => h.evalLoss!)));
    const ev = await evaluate(model, splits.eval, { batchSize: 64 });
    expect(ev.loss).toBeCloseTo(best.evalLoss, 6);
    expect(ev.metric).toBeCloseTo(best.evalMetric, 4);
    expect(ev.metric).toBeGreaterThan(untrained.metric + 1); // at least 1 dB better than at the start
    // The first step's line (training started, at what pace), then one line per epoch.
    const lines = log.text().trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^epoch 1\/3 {2}step 1\/8 {2}loss \d\.\d{4} {2}lr \d\.\de-\d+ {2}[\d,]+ samples\/s {2}eta \d+s$/);
    lines.shift();
    expect(lines[0]).toMatch(/^epoch 1\/3 {2}loss \d\.\d{4} {2}eval_loss \d\.\d{4} {2}psnr \d+\.\d\d {2}lr \d\.\de-\d+ {2}\d+\.\ds$/);
    model.dispose();
  });

  it('draws a progress bar on a TTY', async () => {
    const model = tiny();
    const out = capture(true);
    await fit(model, splits.train, { epochs: 1, batchSize: 128, progress: 'auto', progressStream: out.stream });
    expect(out.text()).toMatch(/epoch 1\/1 \[[█░]+\] \d\/4/);
    expect(out.text()).toMatch(/epoch 1\/1 {2}loss \d\.\d{4}/); // the epoch line once the bar is done
    model.dispose();
  });

  it('is deterministic and resumes exactly from a mid-epoch checkpoint in the same process', async () => {
    const opts = { epochs: 2, batchSize: 32, lr: 2e-3, seed: 5, evalData: splits.eval, progress: 'none' as const };
    const a = tiny();
    await fit(a, splits.train, opts);
    const file = join(dir, 'inproc.ckpt');
    const b = tiny();
    await fit(b, splits.train, { ...opts, checkpoint: file, checkpointEvery: 7, callbacks: { onBatchEnd: ({ step }) => (step === 23 ? 'stop' : undefined) } });
    b.dispose();
    const c = tiny(99); // different initial weights: everything must come from the checkpoint
    const r = await fit(c, splits.train, { ...opts, checkpoint: file, checkpointEvery: 7, resume: true });
    expect(r.resumedFromStep).toBe(21);
    expect(weightsOf(c)).toEqual(weightsOf(a));
    a.dispose();
    c.dispose();
  });

  it('refuses to resume a checkpoint written with other settings, naming the setting', async () => {
    const file = join(dir, 'mismatch.ckpt');
    const m = tiny();
    await fit(m, splits.train, { epochs: 1, batchSize: 128, progress: 'none', checkpoint: file });
    await expect(fit(m, splits.train, { epochs: 1, batchSize: 64, progress: 'none', checkpoint: file, resume: true }))
      .rejects.toThrow(`checkpoint ${file}: cannot resume: it was written with batchSize 128, this run has 64`);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    await expect(fit(m, splits.train, { epochs: 1, batchSize: 128, progress: 'none', checkpoint: file, resume: true }))
      .rejects.toThrow(`checkpoint ${file}: checksum mismatch: the file is corrupt or was edited`);
    m.dispose();
  });

  it('stops early when the eval loss stops improving', async () => {
    const m = tiny();
    // minDelta larger than any possible gain: epoch 1 is the best and never beaten.
    const r = await fit(m, splits.train, { epochs: 6, batchSize: 128, progress: 'none', evalData: splits.eval, earlyStop: { patience: 2, minDelta: 10 } });
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochsRun).toBe(3);
    expect(r.best!.epoch).toBe(0);
    m.dispose();
  });

  it('names bad options', async () => {
    const m = tiny();
    await expect(fit(m, splits.train, { epochs: -1, batchSize: 8 })).rejects.toThrow('fit: option "epochs" must be a positive integer, received -1');
    await expect(fit(m, splits.train, { epochs: 1, batchSize: 8, schedule: 'step' as never })).rejects.toThrow('fit: option "schedule" must be one of "linear", "cosine", "constant", received "step"');
    await expect(fit(m, { size: 0 } as unknown as FitData, { epochs: 1, batchSize: 8 })).rejects.toThrow('fit: option "data" must be a FitData object');
    m.dispose();
  });
});

describe('a NaN loss', () => {
  it('stops the run with a clear error and leaves the last good checkpoint intact', async () => {
    const x = tf.randomUniform([64, 64], 0, 1, 'float32', 1);
    const clean = arrayData(x, x, 'toy');
    // Poisons one batch of the second epoch with NaN inputs.
    const poisoned: FitData = {
      ...clean,
      name: clean.name, size: clean.size, inputShape: clean.inputShape, targetShape: clean.targetShape,
      batch(indices, epoch) {
        const b = clean.batch(indices, epoch);
        if (epoch === 1) {
          const nan = tf.fill(b.x.shape, Number.NaN);
          b.x.dispose();
          return { x: nan, y: b.y };
        }
        return b;
      },
    };
    const file = join(dir, 'nan.ckpt');
    const m = tiny();
    let digest = '';
    const before = tf.memory().numTensors;
    const error = await fit(m, poisoned, {
      epochs: 3, batchSize: 16, progress: 'none', checkpoint: file,
      callbacks: { onCheckpoint: () => { digest = createHash('sha256').update(readFileSync(file)).digest('hex'); } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toBe(`training diverged: loss is NaN at epoch 2, step 5; stopped without applying that step. The last checkpoint (step 4) is intact at ${file}; resume from it with a lower learning rate (fit option allowLrChange: true; mlp-blocks train --resume --lr <lower>).`);
    expect(tf.memory().numTensors).toBe(before);
    // The failed step changed nothing in memory either (batch-norm statistics included).
    for (const w of m.weights) expect(w.read().dataSync().every((v) => Number.isFinite(v)), w.originalName).toBe(true);
    // The checkpoint is byte for byte the one written at the end of epoch 1, and its weights are finite.
    expect(existsSync(file)).toBe(true);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(digest);
    const { meta, arrays } = readCheckpointFile(file);
    expect((meta as { progress: { step: number; epoch: number } }).progress).toMatchObject({ step: 4, epoch: 1 });
    for (const [name, a] of arrays) if (name.startsWith('model/')) expect(a.data.every((v) => Number.isFinite(v)), name).toBe(true);
    m.dispose();
    clean.dispose();
    x.dispose();
  });
});
