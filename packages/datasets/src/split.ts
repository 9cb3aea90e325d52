// The train/eval carving of the Hourglass authors' code, reproduced exactly:
//   np.random.RandomState(seed).permutation(n)  → train = perm[:n - evalSize], eval = perm[n - evalSize:]
// RandomState seeds MT19937 with init_genrand(seed) and permutes with Fisher–Yates, drawing each swap index j ≤ i
// by masked rejection sampling on 32-bit outputs (numpy's legacy random_interval).

/** The 32-bit Mersenne Twister (Matsumoto & Nishimura 1998), seeded like numpy's RandomState(int). */
export class MT19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`MT19937: seed must be an integer in [0, 4294967295], received ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output. */
  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}

/** `np.random.RandomState(seed).permutation(n)`, element for element (n < 2³²). */
export function numpyPermutation(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`numpyPermutation: n must be a non-negative integer, received ${n}`);
  const rng = new MT19937(seed);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i >= 1; i--) {
    let mask = i;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let j: number;
    do j = (rng.nextUint32() & mask) >>> 0; while (j > i);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

/** Indices of a split into a base image set. */
export interface Carved {
  readonly first: Int32Array;
  readonly second: Int32Array;
}

/**
 * Carves n examples into two parts with the authors' permutation: `first` = perm[:n - secondSize],
 * `second` = perm[n - secondSize:].
 */
export function carve(n: number, secondSize: number, seed: number): Carved {
  if (!Number.isInteger(secondSize) || secondSize < 0 || secondSize > n) {
    throw new RangeError(`carve: the carved part must hold between 0 and ${n} examples, received ${secondSize}`);
  }
  const perm = numpyPermutation(n, seed);
  return { first: perm.subarray(0, n - secondSize), second: perm.subarray(n - secondSize) };
}
