import { ConfigError, describe } from './errors.js';

/**
 * Option checks shared by every block; each throws a ConfigError naming `owner` and `option`. Integers must be safe
 * integers (≤ 2⁵³−1): 1e300 is an integer to JavaScript, but no size or count can be that large.
 */
export function positiveInt(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(owner, option, 'a positive integer', value);
  }
  return value;
}

/** An integer ≥ 0. */
export function nonNegativeInt(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(owner, option, 'a non-negative integer', value);
  }
  return value;
}

/** Any finite number. */
export function finiteNumber(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(owner, option, 'a finite number', value);
  }
  return value;
}

/** A finite number > 0. */
export function positiveNumber(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(owner, option, 'a positive number', value);
  }
  return value;
}

/** A probability-like rate in [0, 1). */
export function rate(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ConfigError(owner, option, 'a number in [0, 1)', value);
  }
  return value;
}

/** true or false. */
export function boolean(owner: string, option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(owner, option, 'true or false', value);
  return value;
}

/** One of the `allowed` strings. */
export function oneOf<T extends string>(owner: string, option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(owner, option, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
  }
  return value as T;
}

/** A single positive integer or a list of them (one per block). */
export function positiveIntOrList(owner: string, option: string, value: unknown): number | number[] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ConfigError(owner, option, 'a positive integer or a non-empty list of them', value);
    value.forEach((v, i) => positiveInt(owner, `${option}[${i}]`, v));
    return [...(value as number[])];
  }
  return positiveInt(owner, option, value);
}

/** A positive integer or a [height, width] pair of them. */
export function pair(owner: string, option: string, value: unknown): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) throw new ConfigError(owner, option, 'a positive integer or a [height, width] pair', value);
    return [positiveInt(owner, `${option}[0]`, value[0]), positiveInt(owner, `${option}[1]`, value[1])];
  }
  const v = positiveInt(owner, option, value);
  return [v, v];
}

/** Rejects option names the block does not know, so a typo is not silently ignored. */
export function knownOptions(owner: string, args: object, allowed: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) {
      const received = (args as Record<string, unknown>)[key];
      throw new ConfigError(owner, key, 'a known option', received,
        `${owner}: unknown option "${key}" (received ${describe(received)}); known options: ${allowed.join(', ')}`);
    }
  }
}

/** A 32-bit seed: an integer in [0, 2³²−1]. */
export function seed32(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ConfigError(owner, option, 'an integer in [0, 4294967295]', value);
  }
  return value;
}
