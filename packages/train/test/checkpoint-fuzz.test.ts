// Issue 19: a bounded, seeded fuzz of the checkpoint reader. Every mutation of a real checkpoint (bit flips,
// truncation, extension, header JSON edits) must either load exactly the original state or throw a
// CheckpointError naming the file: never another error class, never a different state.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/index.js';
import { editHeader, loadInto, read, tiny, toVersion1, weightsOf, writeRealCheckpoint } from './checkpoint-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-ckpt-fuzz-'));
const original = join(dir, 'original.ckpt');
beforeAll(async () => {
  await tf.setBackend('cpu');
  await writeRealCheckpoint(original);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Mutation = (b: Buffer) => Buffer;

/** Header edits: a value replaced by another JSON value at a random path (keys included by deletion). */
const jsonValue = fc.oneof(fc.integer({ min: -3, max: 1000 }), fc.double({ noNaN: false }), fc.constantFrom(null, true, '', 'int32', 'float32', [], {}, [1, 2]));
function editAt(h: unknown, pick: number, value: unknown, remove: boolean): void {
  const nodes: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    for (const k of Object.keys(v)) {
      nodes.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
      walk((v as Record<string, unknown>)[k]);
    }
  };
  walk(h);
  const [parent, key] = nodes[pick % nodes.length]!;
  if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string | number, unknown>)[key] = value;
}

const mutation: fc.Arbitrary<[string, Mutation]> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([at, bit]): [string, Mutation] => [`flip bit ${bit} of byte ${at}`, (b) => {
    const c = Buffer.from(b);
    c[at % c.length] = c[at % c.length]! ^ (1 << bit);
    return c;
  }]),
  fc.nat().map((n): [string, Mutation] => [`truncate to ${n}`, (b) => b.subarray(0, n % b.length)]),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra): [string, Mutation] => [`extend by ${extra.length}`, (b) => Buffer.concat([b, extra])]),
  fc.tuple(fc.nat(), jsonValue, fc.boolean()).map(([pick, value, remove]): [string, Mutation] => [`header edit ${pick} ${JSON.stringify(value)} ${remove}`,
    (b) => editHeader(b, (h) => editAt(h, pick, value, remove))]),
);

describe('the checkpoint reader under random corruption', () => {
  it('loads the original state or throws CheckpointError naming the file (seeded, 300 mutations)', async () => {
    const bytes = read(original);
    const reference = tiny(9);
    const expected = await loadInto(original, original, reference);
    const expectedWeights = weightsOf(reference);
    reference.dispose();
    const file = join(dir, 'mutated.ckpt');
    let refused = 0;
    await fc.assert(fc.asyncProperty(mutation, async ([, mutate]) => {
      const mutated = mutate(bytes);
      writeFileSync(file, mutated);
      const model = tiny(9);
      const tensors = tf.memory().numTensors;
      try {
        const got = await loadInto(file, original, model).catch((e: unknown) => e as Error);
        if (got instanceof Error) {
          expect(got).toBeInstanceOf(CheckpointError);
          expect(got.message.startsWith(`checkpoint ${file}: `)).toBe(true);
          refused++;
        } else {
          expect(got.state.progress).toEqual(expected.state.progress);
          expect(Array.from(got.state.order!)).toEqual(Array.from(expected.state.order!));
          expect(got.moments).toEqual(expected.moments);
          expect(weightsOf(model)).toEqual(expectedWeights);
        }
        expect(tf.memory().numTensors).toBe(tensors);
      } finally {
        model.dispose();
      }
    }), { seed: 19, numRuns: 300, endOnFailure: true });
    expect(refused).toBeGreaterThan(250); // nearly every mutation changes a byte the checksum covers
  });

  // Format 1 hashes only the arrays, so an edited header can load a different (valid) state; what must hold is
  // that nothing gets past the structural checks to fail later with a TypeError or RangeError.
  it('never fails with another error class on a format-1 file (seeded, 300 mutations)', async () => {
    const bytes = toVersion1(read(original));
    const file = join(dir, 'mutated-v1.ckpt');
    await fc.assert(fc.asyncProperty(mutation, async ([, mutate]) => {
      writeFileSync(file, mutate(bytes));
      const model = tiny(9);
      const tensors = tf.memory().numTensors;
      try {
        const got = await loadInto(file, original, model).catch((e: unknown) => e);
        if (got instanceof Error) {
          expect(got).toBeInstanceOf(CheckpointError);
          expect(got.message.startsWith(`checkpoint ${file}: `)).toBe(true);
        }
        expect(tf.memory().numTensors).toBe(tensors);
      } finally {
        model.dispose();
      }
    }), { seed: 1919, numRuns: 300, endOnFailure: true });
  });
});
