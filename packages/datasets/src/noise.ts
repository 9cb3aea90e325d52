import { mix32, SeededRandom } from '@mlp-blocks/core';

/**
 * The seed of one example's noise in one epoch: a pure function of (seed, epoch, index), so a resumed run or a
 * batch assembled in another order sees exactly the same noise.
 */
export function exampleSeed(seed: number, epoch: number, index: number): number {
  const h = mix32((mix32(seed) + 0x9e3779b9) >>> 0);
  return mix32((mix32((h ^ epoch) >>> 0) + index) >>> 0);
}

/** Writes `count` values of σ·N(0, 1) for (seed, epoch, index) into `out` from `offset`. */
export function fillNoise(out: Float32Array, offset: number, count: number, sigma: number, seed: number, epoch: number, index: number): void {
  const rng = new SeededRandom(exampleSeed(seed, epoch, index));
  for (let i = 0; i < count; i++) out[offset + i] = sigma * rng.normal();
}
