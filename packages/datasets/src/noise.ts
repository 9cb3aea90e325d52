// Denoising noise as a counter-based generator: value j of example e in epoch t is a hash of (key, j) with
// key = hash(seed, t, e). No state is carried from one example to the next, so any batch composition, order or
// resumed run gives an example the same noise, and two examples never share a shifted copy of one stream (as
// seeding a sequential generator such as mulberry32 per example would, for seeds a multiple of its step apart).
import { mix32 } from '@mlp-blocks/core';

/** The key of one example's noise in one epoch: a pure function of (seed, epoch, index). */
export function exampleSeed(seed: number, epoch: number, index: number): number {
  const h = mix32((mix32(seed) + 0x9e3779b9) >>> 0);
  return mix32((mix32((h ^ epoch) >>> 0) + index) >>> 0);
}

const TWO_PI = 2 * Math.PI;
const INV_2_32 = 1 / 4294967296;

/** Uniform in (0, 1) for counter c under `key`. */
function uniform(key: number, c: number): number {
  return (mix32((key ^ mix32(c)) >>> 0) + 0.5) * INV_2_32;
}

/** Writes `count` values of σ·N(0, 1) for (seed, epoch, index) into `out` from `offset` (Box–Muller on pairs). */
export function fillNoise(out: Float32Array, offset: number, count: number, sigma: number, seed: number, epoch: number, index: number): void {
  fillNoiseForKey(out, offset, count, sigma, exampleSeed(seed, epoch, index));
}

/** Writes `count` values of σ·N(0, 1) drawn under one example key. */
export function fillNoiseForKey(out: Float32Array, offset: number, count: number, sigma: number, key: number): void {
  for (let j = 0; j < count; j += 2) {
    const r = sigma * Math.sqrt(-2 * Math.log(uniform(key, j)));
    const a = TWO_PI * uniform(key, j + 1);
    out[offset + j] = r * Math.cos(a);
    if (j + 1 < count) out[offset + j + 1] = r * Math.sin(a);
  }
}
