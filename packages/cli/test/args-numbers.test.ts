// One number grammar for every numeric flag: decimal only, finite; integer flags take safe integers in range.
import { existsSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, seed } from '../src/cli/args.js';
import { cli, errorLines, run } from './helpers.js';

const rejects = (parse: (v: string) => number, value: string) => {
  try {
    parse(value);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as Error).message;
  }
  throw new Error(`accepted "${value}"`);
};

describe('numeric flags', () => {
  it('refuse hex, binary, octal, Infinity, separators and empty text alike, naming the flag and the value', () => {
    for (const value of ['0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '1_000', '', ' ', '1e', '.', '1,5']) {
      expect(rejects(positiveNumber('--lr'), value)).toBe(`--lr must be a positive number written in decimal, received "${value}"`);
      expect(rejects(positiveInt('--epochs'), value)).toBe(`--epochs must be a positive integer written in decimal, received "${value}"`);
      expect(rejects(seed('--seed'), value)).toBe(`--seed must be an integer in [0, 4294967295] written in decimal, received "${value}"`);
    }
  });

  it('accept decimal with fraction and exponent; integer flags need a safe integer in range', () => {
    expect(positiveNumber('--lr')('2e-3')).toBe(0.002);
    expect(positiveNumber('--lr')(' .5 ')).toBe(0.5);
    expect(nonNegativeNumber('--sigma')('0')).toBe(0);
    expect(positiveInt('--epochs')('1e2')).toBe(100);
    expect(positiveInt('--epochs')('16')).toBe(16);
    expect(nonNegativeInt('--warmup')('0')).toBe(0);
    expect(seed('--seed')('4294967295')).toBe(4294967295);
    expect(rejects(positiveNumber('--lr'), '1e999')).toBe('--lr must be a positive number written in decimal, received "1e999"');
    expect(rejects(positiveNumber('--lr'), '0')).toBe('--lr must be a positive number, received "0"');
    expect(rejects(nonNegativeNumber('--sigma'), '-0.1')).toBe('--sigma must be a non-negative number, received "-0.1"');
    expect(rejects(positiveInt('--epochs'), '1.5')).toBe('--epochs must be a positive integer, received "1.5"');
    expect(rejects(positiveInt('--epochs'), '0')).toBe('--epochs must be a positive integer, received "0"');
    expect(rejects(positiveInt('--batch-size'), '9007199254740993')).toBe('--batch-size must be a positive integer, received "9007199254740993"');
    expect(rejects(nonNegativeInt('--warmup'), '-1')).toBe('--warmup must be a non-negative integer, received "-1"');
    expect(rejects(seed('--seed'), '4294967296')).toBe('--seed must be an integer in [0, 4294967295], received "4294967296"');
  });

  it('agree with a reference decimal grammar on random strings (seeded)', () => {
    const reference = (v: string) => {
      const t = v.trim();
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && Number.isFinite(Number(t)) && Number(t) > 0 ? Number(t) : null;
    };
    fc.assert(fc.property(fc.stringMatching(/^[ 0-9a-fxobe+\-._IN]{0,8}$/), (v) => {
      let got: number | null;
      try {
        got = positiveNumber('--lr')(v);
      } catch {
        got = null;
      }
      expect(got).toBe(reference(v));
    }), { seed: 19, numRuns: 2000 });
  });
});

describe.skipIf(!existsSync(cli))('numeric flags on the command line', () => {
  it('--lr 0x10 is refused like --epochs 0x10, naming the flag and the value', () => {
    const lr = run('bench', '--model', 'hourglass_tiny', '--max-params', '0x10');
    expect(lr.status).toBe(1);
    expect(errorLines(lr)).toEqual(['error: option \'--max-params <n>\' argument \'0x10\' is invalid. --max-params must be a positive integer written in decimal, received "0x10"']);
    const train = run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass_tiny', '--out', 'never', '--lr', '0x10');
    expect(train.status).toBe(1);
    expect(errorLines(train)).toEqual(['error: option \'--lr <rate>\' argument \'0x10\' is invalid. --lr must be a positive number written in decimal, received "0x10"']);
    expect(existsSync('never')).toBe(false);
  });
});
