/**
 * A small seeded generator (mulberry32) written out in JS, so a "random" fixed projection is the same
 * numbers in every process and on every tfjs backend: tf.random* ops may differ across backends/versions.
 */
/** Seeds are 32-bit: a larger one would silently alias a smaller one. */
export const MAX_SEED = 0xffffffff;

/** Murmur3's 32-bit finaliser: spreads nearby integers (seed, seed + 1, …) far apart. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A SeededRandom's full state, plain JSON, so a checkpoint can restore the exact sequence. */
export interface SeededRandomState {
  state: number;
  spareNormal: number | null;
}

/** A seeded mulberry32 generator with Box–Muller normals, identical in every process and on every backend. */
export class SeededRandom {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new RangeError(`SeededRandom: seed must be an integer in [0, ${MAX_SEED}], received ${seed}`);
    }
    this.state = seed >>> 0;
  }

  /** The current state; `SeededRandom.fromState(r.getState())` continues exactly where `r` is. */
  getState(): SeededRandomState {
    return { state: this.state, spareNormal: this.spareNormal };
  }

  /** A generator continuing from a state returned by `getState` (checked, so a corrupt checkpoint fails here). */
  static fromState(s: SeededRandomState): SeededRandom {
    if (s == null || typeof s !== 'object' || !Number.isInteger(s.state) || s.state < 0 || s.state > MAX_SEED
      || !(s.spareNormal === null || Number.isFinite(s.spareNormal))) {
      throw new RangeError(`SeededRandom.fromState: expected {state: uint32, spareNormal: number | null}, received ${JSON.stringify(s)}`);
    }
    const r = new SeededRandom(s.state);
    r.spareNormal = s.spareNormal;
    return r;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform draw in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal via Box–Muller (pairs cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fills `out` with uniform draws in [low, high) and returns it. */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Fills `out` with normal draws of this mean and standard deviation and returns it. */
  fillNormal(out: Float32Array, mean: number, std: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }
}

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
