import { SeededRandom, mix32 } from '@mlp-blocks/core';

/** Moved to @mlp-blocks/core (model building uses it); re-exported here for existing imports. */
export { withSeededRandom } from '@mlp-blocks/core';

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
