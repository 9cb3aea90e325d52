// Bounded, seeded fuzzing of every reader: a small valid file (from the writers in writers.ts) gets bit flips,
// truncation, extension, random bytes and header-field edits. Each case must either parse to a well-formed result
// or throw the package's DataFormatError naming the file: never a RangeError or TypeError, never a hang (each read
// is capped at 4 MiB inflated), never an allocation sized by a corrupt header.
import fc from 'fast-check';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFormatError } from '../src/errors.js';
import { parseIdx } from '../src/formats/idx.js';
import { parseNpy } from '../src/formats/npy.js';
import { readNpz } from '../src/formats/npz.js';
import { readTarMembers } from '../src/formats/tar.js';
import { readCifarArchive } from '../src/sources/load.js';
import { cifarBytes, gzipSync, idxBytes, npyBytes, pseudoBytes, tarBytes, tempDir, zipBytes } from './writers.js';

const tmp = tempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const limits = { maxInflatedBytes: 4 * 2 ** 20 };
const SEED = 19;

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'random'; at: number; bytes: Uint8Array }
  | { kind: 'field'; at: number; value: number; little: boolean }
  | { kind: 'text'; at: number; text: string };

/** Mutations; 'field' and 'text' edits land in the first `header` bytes, where the formats keep sizes and counts. */
function mutations(header: number): fc.Arbitrary<Mutation[]> {
  const m: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
    fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ maxLength: 1200 }) }),
    fc.record({ kind: fc.constant('random' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({
      kind: fc.constant('field' as const), at: fc.nat({ max: header - 1 }), little: fc.boolean(),
      value: fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 3072, 0x40000000), fc.nat()),
    }),
    fc.record({ kind: fc.constant('text' as const), at: fc.nat({ max: header - 1 }), text: fc.string({ unit: fc.constantFrom(...'0123456789 \0x,()\'<>|fiu'), minLength: 1, maxLength: 12 }) }),
  );
  return fc.array(m, { minLength: 1, maxLength: 3 });
}

function mutate(original: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Buffer.from(original);
  for (const m of ms) {
    if (m.kind === 'truncate') b = b.subarray(0, m.keep % (b.length + 1));
    else if (m.kind === 'extend') b = Buffer.concat([b, m.bytes]);
    else if (b.length === 0) continue;
    else if (m.kind === 'flip') b[m.at % b.length]! ^= 1 << m.bit;
    else if (m.kind === 'random') b.set(m.bytes.subarray(0, Math.max(0, b.length - (m.at % b.length))), m.at % b.length);
    else if (m.kind === 'field' && m.at + 4 <= b.length) (m.little ? b.writeUInt32LE(m.value >>> 0, m.at) : b.writeUInt32BE(m.value >>> 0, m.at));
    else if (m.kind === 'text') b.write(m.text.slice(0, Math.max(0, b.length - m.at)), Math.min(m.at, b.length), 'latin1');
  }
  return Uint8Array.from(b);
}

/** The error must be the package's own, naming the file. */
function ownError(err: unknown, file: string): void {
  if (!(err instanceof DataFormatError)) throw new Error(`expected a DataFormatError naming ${file}, got ${String((err as Error)?.stack ?? err)}`);
  expect(err.message.startsWith(file)).toBe(true);
  expect(err.file.startsWith(file)).toBe(true);
  outcomes.refused++;
}

const product = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

/** Outcomes of one property's cases: both must occur, or the mutations are not reaching the reader's checks. */
let outcomes = { parsed: 0, refused: 0 };
beforeEach(() => { outcomes = { parsed: 0, refused: 0 }; });
afterEach(() => {
  expect(outcomes.parsed).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(0);
});

describe('reader fuzzing (seeded, bounded)', () => {
  it('IDX (raw)', () => {
    const files = [idxBytes(0x08, [3, 4, 5], pseudoBytes(60, 1)), idxBytes(0x0b, [2, 3], [1, -2, 3, 4, 5, 6]), idxBytes(0x08, [5], [0, 1, 2, 3, 9])];
    fc.assert(fc.property(fc.constantFrom(...files), mutations(24), (file, ms) => {
      try {
        const idx = parseIdx(mutate(file, ms), 'x.idx', limits);
        expect(idx.data.length).toBe(product(idx.dims));
        outcomes.parsed++;
      } catch (err) {
        ownError(err, 'x.idx');
      }
    }), { seed: SEED, numRuns: 600 });
  });

  it('gzip (IDX .gz)', () => {
    const files = [gzipSync(idxBytes(0x08, [3, 28, 28], pseudoBytes(3 * 784, 2))), gzipSync(idxBytes(0x0d, [4], [1.5, -2, 0, 3]))];
    fc.assert(fc.property(fc.constantFrom(...files), mutations(16), (file, ms) => {
      try {
        const idx = parseIdx(mutate(file, ms), 'x.gz', limits);
        expect(idx.data.length).toBe(product(idx.dims));
        outcomes.parsed++;
      } catch (err) {
        ownError(err, 'x.gz');
      }
    }), { seed: SEED, numRuns: 600 });
  });

  it('npy', () => {
    const files = [npyBytes('|u1', [2, 3072], pseudoBytes(6144, 3)), npyBytes('<i8', [3], new Uint8Array(24)), npyBytes('>f4', [2, 2], pseudoBytes(16, 4))];
    fc.assert(fc.property(fc.constantFrom(...files), mutations(128), (file, ms) => {
      try {
        const a = parseNpy(mutate(file, ms), 'x.npy');
        expect(a.data.length).toBe(product(a.shape));
        outcomes.parsed++;
      } catch (err) {
        ownError(err, 'x.npy');
      }
    }), { seed: SEED, numRuns: 600 });
  });

  it('npz (zip, stored and deflated)', async () => {
    const entries = [{ name: 'data.npy', data: npyBytes('|u1', [2, 3072], pseudoBytes(6144, 5)) }, { name: 'labels.npy', data: npyBytes('<i8', [2], new Uint8Array(16)) }];
    const files = [zipBytes(entries), zipBytes(entries.map((e) => ({ ...e, deflate: true })))];
    const path = join(tmp, 'fuzz.npz');
    await fc.assert(fc.asyncProperty(fc.constantFrom(...files), mutations(128), async (file, ms) => {
      writeFileSync(path, mutate(file, ms));
      try {
        const arrays = await readNpz(path, undefined, path, limits);
        for (const a of Object.values(arrays)) expect(a.data.length).toBe(product(a.shape));
        outcomes.parsed++;
      } catch (err) {
        ownError(err, path);
      }
    }), { seed: SEED, numRuns: 200 });
  });

  it('tar (plain)', async () => {
    const file = tarBytes([{ name: 'd/a.bin', data: pseudoBytes(700, 6) }, { name: 'd/b.bin', data: pseudoBytes(100, 7) }]);
    const path = join(tmp, 'fuzz.tar');
    await fc.assert(fc.asyncProperty(mutations(512), async (ms) => {
      writeFileSync(path, mutate(file, ms));
      try {
        const members = await readTarMembers(path, ['a.bin', 'b.bin'], path, limits);
        expect([...members.keys()].sort()).toEqual(['a.bin', 'b.bin']);
        outcomes.parsed++;
      } catch (err) {
        ownError(err, path);
      }
    }), { seed: SEED, numRuns: 200 });
  });

  it('CIFAR archive (.tar.gz)', async () => {
    const file = gzipSync(tarBytes([{ name: 'cifar-10-batches-bin/test_batch.bin', data: cifarBytes([3, 8], pseudoBytes(2 * 3072, 8)) }]));
    const path = join(tmp, 'fuzz-cifar.tar.gz');
    await fc.assert(fc.asyncProperty(mutations(16), async (ms) => {
      writeFileSync(path, mutate(file, ms));
      try {
        const set = await readCifarArchive(path, 'cifar10', 'test', limits);
        expect(set.labels.length).toBe(set.count);
        for (const l of set.labels) expect(l).toBeLessThan(10);
        outcomes.parsed++;
      } catch (err) {
        ownError(err, path);
      }
    }), { seed: SEED, numRuns: 200 });
  });
});
