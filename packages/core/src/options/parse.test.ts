import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors.js';
import { option } from './index.js';
import { defineOptions, optionDefaults, optionDocs, parseOptions, pickOptions, toConfig } from './parse.js';

const SCHEMA = defineOptions({
  units: option.positiveInt('Output size.'),
  rate: option.withDefault(option.rate('Dropout.'), 0.1),
  kind: option.withDefault(option.oneOf(['a', 'b'], 'Which one.'), 'a'),
  size: option.optional(option.sizePair('Image size.')),
  widths: option.optional(option.positiveIntOrList('Per block.')),
  act: option.withDefault(option.activation('Activation.'), 'gelu'),
  init: option.withDefault(option.initializer('Init.'), 'zeros'),
});

afterEach(() => vi.restoreAllMocks());

describe('parseOptions', () => {
  it('fills defaults, normalises size pairs and keeps what was given', () => {
    expect(parseOptions('T', SCHEMA, { units: 3, size: 4 })).toEqual({ units: 3, rate: 0.1, kind: 'a', size: [4, 4], act: 'gelu', init: 'zeros' });
    expect(parseOptions('T', SCHEMA, { units: 3, size: [2, 5], widths: [1, 2], init: { name: 'constant', value: 2 } }))
      .toMatchObject({ size: [2, 5], widths: [1, 2], init: { name: 'constant', value: 2 } });
  });

  it('names the owner, the option, what it must be and what it received (Keras style)', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'T: option "units" must be a positive integer, received undefined'],
      [{ units: 0 }, 'T: option "units" must be a positive integer, received 0'],
      [{ units: 2.5 }, 'T: option "units" must be a positive integer, received 2.5'],
      [{ units: 1e300 }, 'T: option "units" must be a positive integer, received 1e+300'],
      [{ units: '3' }, 'T: option "units" must be a positive integer, received "3"'],
      [{ units: 1, rate: 1 }, 'T: option "rate" must be a number in [0, 1), received 1'],
      [{ units: 1, kind: 'c' }, 'T: option "kind" must be one of "a", "b", received "c"'],
      [{ units: 1, size: [2, 0] }, 'T: option "size[1]" must be a positive integer or a [height, width] pair of them, received 0'],
      [{ units: 1, widths: [] }, 'T: option "widths" must be a positive integer or a non-empty list of them, received []'],
      [{ units: 1, act: 'swish' }, 'T: option "act" must be one of "relu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "linear", received "swish"'],
    ];
    for (const [args, message] of cases) {
      let err: unknown;
      try { parseOptions('T', SCHEMA, args); } catch (e) { err = e; }
      expect(err, JSON.stringify(args)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(message);
    }
  });

  it('rejects unknown options, listing the known ones, and lets tfjs layer arguments through unreturned', () => {
    expect(() => parseOptions('T', SCHEMA, { units: 1, unit: 2 }))
      .toThrow('T: unknown option "unit" (received 2); known options: units, rate, kind, size, widths, act, init');
    expect(parseOptions('T', SCHEMA, { units: 1, name: 'x' }, { passThrough: ['name'] })).not.toHaveProperty('name');
  });

  it('rejects a non-object with its value, and treats no arguments as {} (so required options are named)', () => {
    expect(() => parseOptions('T', SCHEMA, 5)).toThrow('T: options must be an object, received 5');
    expect(() => parseOptions('T', SCHEMA, undefined)).toThrow('T: option "units" must be a positive integer, received undefined');
  });

  it('accepts an old name with one warning per process, and refuses old and new together', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const renames = { n: 'units' };
    expect(parseOptions('Old', SCHEMA, { n: 4 }, { renames }).units).toBe(4);
    expect(parseOptions('Old', SCHEMA, { n: 5 }, { renames }).units).toBe(5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe('Old: option "n" is renamed "units"; the old name is accepted until the next major release');
    expect(() => parseOptions('Old', SCHEMA, { n: 4, units: 4 }, { renames })).toThrow('Old: options "n" (the old name) and "units" are both given; keep "units"');
  });
});

describe('schema helpers', () => {
  it('lists each option\'s default and doc once, and picks entries for composed schemas', () => {
    expect(optionDefaults(SCHEMA)).toEqual({ rate: 0.1, kind: 'a', act: 'gelu', init: 'zeros' });
    expect(optionDocs(SCHEMA)).toMatchObject({ units: 'Output size.', rate: 'Dropout.', size: 'Image size.' });
    const picked = defineOptions(pickOptions(SCHEMA, ['rate', 'kind']));
    expect(Object.keys(picked.entries)).toEqual(['rate', 'kind']);
    expect(parseOptions('P', picked, {})).toEqual({ rate: 0.1, kind: 'a' });
  });

  it('toConfig leaves out options that were left out', () => {
    expect(toConfig({ a: 1, b: undefined, c: null, d: false })).toEqual({ a: 1, d: false });
  });
});
