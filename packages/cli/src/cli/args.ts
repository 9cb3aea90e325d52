import { InvalidArgumentError } from 'commander';

// One number grammar for every numeric flag: plain decimal (optional sign, fraction and exponent), so `0x10`,
// `0b1`, `Infinity`, `1_000` and '' are refused everywhere alike instead of Number() accepting some of them.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a flag's value as a finite decimal number, or throws naming the flag, what it must be and the value. */
export function parseDecimal(name: string, value: string, what: string): number {
  const text = value.trim();
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be ${what} written in decimal, received "${value}"`);
  return n;
}

/** An integer flag: a safe integer in [min, max]; errors name the flag, the range and the value. */
export function integerIn(name: string, min: number, max: number, what: string) {
  return (value: string): number => {
    const n = parseDecimal(name, value, what);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be ${what}, received "${value}"`);
    return n;
  };
}

/** Commander parsers whose errors name the option and echo the value (commander prefixes the option). */
export function positiveInt(name: string) {
  return integerIn(name, 1, Number.MAX_SAFE_INTEGER, 'a positive integer');
}

export function nonNegativeInt(name: string) {
  return integerIn(name, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
}

export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = parseDecimal(name, value, 'a positive number');
    if (n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, received "${value}"`);
    return n;
  };
}

export function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = parseDecimal(name, value, 'a non-negative number');
    if (n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, received "${value}"`);
    return n;
  };
}

export function seed(name: string) {
  return integerIn(name, 0, 0xffffffff, 'an integer in [0, 4294967295]');
}

export function oneOf(name: string, allowed: readonly string[]) {
  return (value: string): string => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}, received "${value}"`);
    return value;
  };
}
