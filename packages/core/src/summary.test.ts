import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, Dense, RandomProjection, countParams, summary } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function lines(print: (printFn: (line: string) => void) => void): string[] {
  const out: string[] = [];
  print((line) => out.push(line));
  return out;
}

describe('summary(model): model.summary() with the counts of countParams', () => {
  it('counts a regenerated projection in its row and the totals, and says how much is regenerated', () => {
    const model = tfl.sequential({ layers: [
      new RandomProjection({ name: 'lift', units: 8, seed: 1, persist: false, inputShape: [5] }), new BatchNorm({ name: 'bn' }), new Dense({ name: 'head', units: 2 })] });
    const ours = lines((p) => summary(model, p));
    const theirs = lines((p) => model.summary(undefined, undefined, p));
    expect(countParams(model)).toEqual({ trainable: 18, nonTrainable: 40 + 16, total: 74 });
    expect(theirs).toContain('Total params: 34'); // tfjs: stored weights only
    expect(ours).toContain('Total params: 74');
    expect(ours).toContain('Trainable params: 18');
    expect(ours).toContain('Non-trainable params: 56');
    expect(ours).toContain('  of which regenerated from a seed, not stored: 40 (lift: 40)');
    const header = ours.find((l) => l.includes('Param #'))!;
    const row = ours.find((l) => l.startsWith('lift ('))!;
    expect(row.slice(header.indexOf('Param #')).trim()).toBe('40');
    expect(row).toHaveLength(header.length);
    // Every other line is tfjs's.
    expect(ours.filter((l) => !theirs.includes(l))).toEqual([row, 'Total params: 74', 'Non-trainable params: 56', '  of which regenerated from a seed, not stored: 40 (lift: 40)']);
    model.dispose();
  });

  it('keeps the columns of a functional model (Param # followed by Receives inputs)', () => {
    const input = tfl.input({ shape: [5] });
    const a = new RandomProjection({ name: 'proj', units: 8, seed: 1, persist: false }).apply(input) as tfl.SymbolicTensor;
    const b = new Dense({ name: 'd', units: 8 }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor });
    const ours = lines((p) => summary(model, p));
    const theirs = lines((p) => model.summary(undefined, undefined, p));
    const at = (l: string) => theirs.find((t) => t.startsWith(l.slice(0, 6)))!;
    const row = ours.find((l) => l.startsWith('proj ('))!;
    expect(row).toBe(at(row).replace(/ 0( +)input1/, (_, pad: string) => ` 40${pad.slice(1)}input1`));
    expect(ours).toContain('Total params: 88');
    model.dispose();
  });

  it('prints exactly model.summary() when nothing is regenerated', () => {
    const model = tfl.sequential({ layers: [new Dense({ units: 3, inputShape: [2] }), new BatchNorm()] });
    expect(lines((p) => summary(model, p))).toEqual(lines((p) => model.summary(undefined, undefined, p)));
    model.dispose();
  });
});
