// The train/eval carving against NumPy: fixtures/permutation.json holds np.random.RandomState(seed).permutation(n)
// from fixtures/make_fixtures.py (the authors' MNIST split is seed 42, n 60000, train = perm[:50000]).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { carve, MT19937, numpyPermutation } from './split.js';

interface Case { seed: number; n: number; head: number[]; tail: number[]; sha256_int32le: string; perm?: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/permutation.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('numpyPermutation equals np.random.RandomState(seed).permutation(n)', () => {
  it.each(fixture.cases)('seed $seed, n $n', (c) => {
    const p = numpyPermutation(c.n, c.seed);
    expect(Array.from(p.subarray(0, 16))).toEqual(c.head);
    expect(Array.from(p.subarray(Math.max(0, c.n - 16)))).toEqual(c.tail);
    if (c.perm) expect(Array.from(p)).toEqual(c.perm);
    const le = Buffer.from(p.buffer, p.byteOffset, p.byteLength); // Int32Array is little-endian on every Node platform we run
    expect(createHash('sha256').update(le).digest('hex')).toBe(c.sha256_int32le);
  });
});

describe('MT19937', () => {
  it('produces the reference output of init_genrand(5489): first value 3499211612', () => {
    // The 10000th output of the default-seeded generator is 4123659995 (C++11 [rand.predef], mt19937).
    const rng = new MT19937(5489);
    expect(rng.nextUint32()).toBe(3499211612);
    for (let i = 2; i < 10000; i++) rng.nextUint32();
    expect(rng.nextUint32()).toBe(4123659995);
  });

  it('rejects a seed outside 32 bits', () => {
    expect(() => new MT19937(2 ** 32)).toThrow(/seed must be an integer in \[0, 4294967295\], received 4294967296/);
  });
});

describe('carve', () => {
  it('splits MNIST into 50,000 / 10,000 disjoint indices covering 0…59,999', () => {
    const { first, second } = carve(60000, 10000, 42);
    expect(first.length).toBe(50000);
    expect(second.length).toBe(10000);
    const seen = new Uint8Array(60000);
    for (const i of [...first, ...second]) seen[i]!++;
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('rejects a carved size larger than the set', () => {
    expect(() => carve(10, 11, 0)).toThrow(/between 0 and 10 examples, received 11/);
  });
});
