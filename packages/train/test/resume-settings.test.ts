// Issue 19, items 2 and 6: a resume is refused when any run-defining setting differs (naming each with both
// values), checks each weight's shape, and may change the learning rate only by explicit opt-in, recorded.
import '@tensorflow/tfjs-backend-cpu';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel } from '@mlp-blocks/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, type FitData, NonFiniteLossError, bestCheckpointFile, fit, makeSchedule } from '../src/index.js';
import { readCheckpointFile } from '../src/io/checkpoint-file.js';
import { spec, splits, tiny } from './checkpoint-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-resume-settings-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { epochs: 2, batchSize: 128, lr: 2e-3, seed: 1, progress: 'none' as const };
const stopAt = (n: number) => ({ onBatchEnd: ({ step }: { step: number }) => (step === n ? 'stop' as const : undefined) });

describe('resume settings', () => {
  it('refuses a resume whose fingerprinted settings differ, naming each with the saved and the new value', async () => {
    const file = join(dir, 'settings.ckpt');
    const run = { task: 'denoise', spec: { ...spec, activation: 'relu' }, sigma: 0.25 };
    const m = tiny();
    await fit(m, splits.train, { ...base, checkpoint: file, checkpointEvery: 2, fingerprint: run, callbacks: stopAt(3) });
    const error = await fit(m, splits.train, { ...base, checkpoint: file, resume: true, fingerprint: { ...run, spec: { ...spec, activation: 'tanh' }, sigma: 0.9 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(`checkpoint ${file}: cannot resume: it was written with spec.activation "relu", this run has "tanh"; sigma 0.25, this run has 0.9`);
    // A fingerprint key that shadows one of fit's own settings is a programming error, named as such.
    await expect(fit(m, splits.train, { ...base, fingerprint: { lr: 1 } })).rejects.toThrow('fit: option "fingerprint.lr" must be a setting name fit does not use itself, received 1');
    m.dispose();
  });

  it('checks each weight shape against the model, not only their count', async () => {
    const file = join(dir, 'shapes.ckpt');
    const m = tiny();
    await fit(m, splits.train, { ...base, checkpoint: file, checkpointEvery: 2, callbacks: stopAt(3) });
    const wider = buildModel({ ...spec, width: 24 }, { seed: 3 }); // same number of weights, other shapes
    expect(wider.weights.length).toBe(m.weights.length);
    await expect(fit(wider, splits.train, { ...base, checkpoint: file, resume: true }))
      .rejects.toThrow(new CheckpointError(file, 'array model/0 is float32 [64,16], this model needs float32 [64,24]'));
    m.dispose();
    wider.dispose();
  });

  it('changes the learning rate on resume only with allowLrChange, and records the change', async () => {
    const file = join(dir, 'lr.ckpt');
    const m = tiny();
    await fit(m, splits.train, { ...base, checkpoint: file, checkpointEvery: 2, callbacks: stopAt(3) });
    await expect(fit(m, splits.train, { ...base, lr: 5e-4, checkpoint: file, resume: true }))
      .rejects.toThrow(`checkpoint ${file}: cannot resume: it was written with lr 0.002, this run has 0.0005; schedule.lr 0.002, this run has 0.0005 (the learning rate alone may change on resume, by explicit opt-in: fit's allowLrChange, or --lr given to mlp-blocks train --resume)`);
    const lrs: Array<[number, number]> = [];
    const r = await fit(m, splits.train, {
      ...base, lr: 5e-4, checkpoint: file, resume: true, allowLrChange: true,
      callbacks: { onBatchEnd: ({ step, lr }) => { lrs.push([step, lr]); } },
    });
    expect(r.resumedFromStep).toBe(2);
    expect(r.changes).toEqual([{ step: 2, setting: 'lr', from: 2e-3, to: 5e-4 }]);
    // The schedule goes on from step 2 with the new peak rate (linear decay over the same 8 steps).
    const schedule = makeSchedule({ kind: 'linear', lr: 5e-4, totalSteps: 8 });
    expect(lrs).toEqual([2, 3, 4, 5, 6, 7].map((s) => [s + 1, schedule.at(s)]));
    // The checkpoint now carries the new rate and the change: a later resume at 5e-4 needs no opt-in.
    const meta = readCheckpointFile(file).meta as { fingerprint: { lr: number }; progress: { changes: unknown } };
    expect(meta.fingerprint.lr).toBe(5e-4);
    expect(meta.progress.changes).toEqual(r.changes);
    const again = await fit(m, splits.train, { ...base, lr: 5e-4, checkpoint: file, resume: true });
    expect(again.changes).toEqual(r.changes);
    m.dispose();
  });
});

describe('after a divergence', () => {
  it('names the best evaluation checkpoint, and a resume from it at a lower rate finishes the run', async () => {
    let poison = true;
    // NaN inputs in the third epoch while `poison` is on: a divergence that a lower rate "fixes".
    const poisoned: FitData = {
      ...splits.train,
      batch(indices, epoch) {
        const b = splits.train.batch(indices, epoch);
        if (poison && epoch === 2) {
          const nan = tf.fill(b.x.shape, Number.NaN);
          b.x.dispose();
          return { x: nan, y: b.y };
        }
        return b;
      },
    };
    const file = join(dir, 'nan.ckpt');
    const opts = { ...base, epochs: 4, evalData: splits.eval, checkpoint: file };
    const m = tiny();
    const error = await fit(m, poisoned, opts).catch((e: unknown) => e) as NonFiniteLossError;
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const best = bestCheckpointFile(file);
    expect(best).toBe(join(dir, 'nan.best.ckpt'));
    expect(existsSync(best)).toBe(true);
    const bestEpoch = (readCheckpointFile(file).meta as { progress: { best: { epoch: number } } }).progress.best.epoch;
    expect(error.best).toEqual({ file: best, epoch: bestEpoch, step: 4 * (bestEpoch + 1) });
    expect(error.message).toBe(`training diverged: loss is NaN at epoch 3, step 9; stopped without applying that step. The last checkpoint (step 8) is intact at ${file}; `
      + 'resume from it with a lower learning rate (fit option allowLrChange: true; mlp-blocks train --resume --lr <lower>).'
      + (bestEpoch === 1 ? '' : ` If its weights had already blown up, copy the best evaluation's checkpoint (epoch ${bestEpoch + 1}, step ${4 * (bestEpoch + 1)}) from ${best} over it first.`));
    // The best checkpoint holds the best epoch's end state: its weights are the best weights.
    const saved = readCheckpointFile(best);
    const progress = (saved.meta as { progress: { epoch: number } }).progress;
    expect(progress.epoch).toBe(bestEpoch + 1);
    expect(Array.from(saved.arrays.get('model/0')!.data)).toEqual(Array.from(saved.arrays.get('best/0')!.data));
    expect(readFileSync(file).equals(readFileSync(best))).toBe(bestEpoch === 1);

    poison = false;
    const r = await fit(m, poisoned, { ...opts, lr: 2e-4, resume: true, allowLrChange: true });
    expect(r.steps).toBe(16);
    expect(r.changes).toEqual([{ step: 8, setting: 'lr', from: 2e-3, to: 2e-4 }]);
    m.dispose();
  });
});
