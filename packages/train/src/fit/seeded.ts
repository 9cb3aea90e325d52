import { SeededRandom, mix32 } from '@mlp-blocks/core';

/**
 * Runs `fn` with `Math.random` drawing from a SeededRandom(seed), then restores it. tfjs seeds every
 * unseeded random op (weight initialisers, dropout masks) from Math.random, so building a model inside
 * this gives the same initial weights in every process. Only for synchronous code: an await inside would
 * let unrelated code see the seeded generator.
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const rng = new SeededRandom(mix32(seed));
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error('withSeededRandom: fn must be synchronous');
    return out;
  } finally {
    Math.random = original;
  }
}

/** The seed for step `step` of a run seeded `seed`: decorrelated from neighbouring steps and seeds. */
export function stepSeed(seed: number, step: number): number {
  return mix32(mix32(seed) ^ mix32(step + 0x9e3779b9));
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates) drawn from `rng`. */
export function permutation(rng: SeededRandom, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
