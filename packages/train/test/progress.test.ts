// Progress that says how fast (samples/s) and that an evaluation is running, plain lines for logs and pipes, and
// a run stopped by an AbortSignal (Ctrl-C in the CLI) that resumes exactly where it stopped (issue 20 item 8).
import '@tensorflow/tfjs-backend-cpu';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@mlp-blocks/hourglass';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '@mlp-blocks/core';
import { FitInterruptedError, evaluate, fit } from '../src/index.js';
import { readCheckpointFile } from '../src/io/checkpoint-file.js';
import { toyDenoise } from './toy-data.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-progress-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = { model: 'hourglass', inputDim: 64, outputDim: 64, width: 32, bottleneck: 6, depth: 2, lift: 'trainable' };
const tiny = (seed = 3): tfl.LayersModel => buildModel(spec, { seed });
const splits = toyDenoise(); // 512 training examples (8 batches of 64), 128 eval examples (2 batches of 64)
const weightsOf = (m: tfl.LayersModel) => m.weights.map((w) => Array.from(w.read().dataSync()));

function capture(tty: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }) as Writable & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = 140;
    (stream as unknown as { cursorTo: () => boolean }).cursorTo = () => true;
    (stream as unknown as { clearLine: () => boolean }).clearLine = () => true;
  }
  return { stream, lines: () => chunks.join('').split('\n').filter((l) => l !== ''), text: () => chunks.join('') };
}

describe('progress', () => {
  it('log mode with logEvery 0 prints every step and every eval batch with samples/s, then the epoch line', async () => {
    const m = tiny();
    const log = capture(false);
    await fit(m, splits.train, { epochs: 1, batchSize: 64, evalData: splits.eval, progress: 'log', progressStream: log.stream, logEvery: 0 });
    const lines = log.lines();
    expect(lines).toHaveLength(8 + 2 + 1);
    lines.slice(0, 8).forEach((l, i) => expect(l).toMatch(new RegExp(`^epoch 1/1 {2}step ${i + 1}/8 {2}loss \\d\\.\\d{4} {2}lr \\S+ {2}[\\d,]+ samples/s {2}eta \\d+s$`)));
    expect(lines[8]).toMatch(/^epoch 1\/1 eval 1\/2 batches {2}[\d,]+ samples\/s {2}eta \d+s$/);
    expect(lines[9]).toMatch(/^epoch 1\/1 eval 2\/2 batches {2}[\d,]+ samples\/s {2}eta 0s$/);
    expect(lines[10]).toMatch(/^epoch 1\/1 {2}loss .* eval_loss .* psnr /);
    m.dispose();
  });

  it('log mode by default: the first step, then only lines at least 10 s apart (none in a short run) and the epoch lines', async () => {
    const m = tiny();
    const log = capture(false);
    await fit(m, splits.train, { epochs: 2, batchSize: 64, evalData: splits.eval, progress: 'auto', progressStream: log.stream });
    const lines = log.lines();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}step 1\/8 /);
    expect(lines[1]).toMatch(/^epoch 1\/2 {2}loss /);
    expect(lines[2]).toMatch(/^epoch 2\/2 {2}loss /);
    m.dispose();
  });

  it('the bar shows samples/s while training, and an eval bar while evaluating', async () => {
    const m = tiny();
    const out = capture(true);
    await fit(m, splits.train, { epochs: 1, batchSize: 64, evalData: splits.eval, progress: 'auto', progressStream: out.stream });
    expect(out.text()).toMatch(/epoch 1\/1 \[[█░]+\] \d\/8 {2}loss \d\.\d{4} {2}lr \S+ {2}[\d,]+ samples\/s {2}eta/);
    expect(out.text()).toMatch(/epoch 1\/1 eval \[[█░]+\] \d\/2 {2}[\d,]+ samples\/s/);
    m.dispose();
  });

  it('evaluate shows its own progress under a label when asked, and nothing by default', async () => {
    const m = tiny();
    const log = capture(false);
    await evaluate(m, splits.eval, { batchSize: 32, progress: 'log', progressStream: log.stream, progressLabel: 'test', logEvery: 0 });
    expect(log.lines()).toEqual([1, 2, 3, 4].map((k) => expect.stringMatching(new RegExp(`^test ${k}/4 batches {2}[\\d,]+ samples/s {2}eta \\d+s$`))));
    const quiet = capture(false);
    await evaluate(m, splits.eval, { batchSize: 32, progressStream: quiet.stream });
    expect(quiet.text()).toBe('');
    await expect(fit(m, splits.train, { epochs: 1, batchSize: 64, logEvery: -1 })).rejects.toThrow('fit: option "logEvery" must be a number of seconds ≥ 0, received -1');
    m.dispose();
  });
});

describe('an AbortSignal', () => {
  const opts = { epochs: 2, batchSize: 64, lr: 2e-3, seed: 5, evalData: splits.eval, progress: 'none' as const };

  it('mid-epoch: finishes the step, checkpoints it, throws FitInterruptedError; resuming ends with the uninterrupted weights', async () => {
    const a = tiny();
    await fit(a, splits.train, opts);
    const file = join(dir, 'abort.ckpt');
    const controller = new AbortController();
    const b = tiny();
    const error = await fit(b, splits.train, {
      ...opts, checkpoint: file, signal: controller.signal, callbacks: { onBatchEnd: ({ step }) => { if (step === 11) controller.abort(); } },
    }).catch((e: unknown) => e);
    b.dispose();
    expect(error).toBeInstanceOf(FitInterruptedError);
    expect(error).toMatchObject({ epoch: 1, step: 11, checkpoint: file });
    expect((error as Error).message).toBe(`training interrupted at epoch 2, step 11; checkpoint of step 11 written to ${file} (resume from it with resume: true)`);
    expect((readCheckpointFile(file).meta as { progress: { step: number } }).progress.step).toBe(11);
    const c = tiny(99);
    const r = await fit(c, splits.train, { ...opts, checkpoint: file, resume: true });
    expect(r.resumedFromStep).toBe(11);
    expect(weightsOf(c)).toEqual(weightsOf(a));
    a.dispose();
    c.dispose();
  });

  it('is seen between steps even when aborted from outside the loop (a signal handler, a timer), on a CPU backend', async () => {
    const controller = new AbortController();
    const m = tiny();
    const error = await fit(m, splits.train, {
      ...opts, signal: controller.signal, callbacks: { onBatchEnd: ({ step }) => { if (step === 3) setImmediate(() => controller.abort()); } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ epoch: 0, step: 3, checkpoint: null });
    expect((error as Error).message).toBe('training interrupted at epoch 1, step 3; no checkpoint file was given, nothing was saved');
    m.dispose();
  });

  it('at an epoch\'s last step: evaluates that epoch and checkpoints its end first', async () => {
    const file = join(dir, 'abort-end.ckpt');
    const controller = new AbortController();
    const m = tiny();
    const epochs: number[] = [];
    const error = await fit(m, splits.train, {
      ...opts, checkpoint: file, signal: controller.signal,
      callbacks: { onBatchEnd: ({ step }) => { if (step === 8) controller.abort(); }, onEpochEnd: (l) => { epochs.push(l.epoch); } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ epoch: 1, step: 8, checkpoint: file });
    expect(epochs).toEqual([0]);
    expect((readCheckpointFile(file).meta as { progress: { step: number; epoch: number; history: unknown[] } }).progress).toMatchObject({ step: 8, epoch: 1, history: [{ epoch: 0 }] });
    expect(existsSync(file)).toBe(true);
    m.dispose();
  });
});
