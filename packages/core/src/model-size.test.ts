import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { DEFAULT_MAX_PARAMS, buildModel, checkModelSize, createModel, registerFamily, specParams } from './families.js';
import { Dense } from './layers/dense.js';
import { option } from './options/index.js';
import { defineOptions } from './options/parse.js';

// A family whose count is width² · depth and whose builder records that it ran: the size check must come first.
let builds = 0;
const OPTIONS = defineOptions({
  width: option.positiveInt('Width.'),
  depth: option.withDefault(option.positiveInt('Depth.'), 1),
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFamily({
    name: 'size-net', packageName: '@example/size-net', description: 'a size test network', owner: 'sizeNet',
    options: OPTIONS, input: 'flat',
    build: (o) => {
      builds++;
      return tfl.sequential({ layers: [new Dense({ units: o.width, useBias: false, inputShape: [o.width] })] });
    },
    countParams: (o) => ({ trainable: o.width * o.width * o.depth, nonTrainable: 0, total: o.width * o.width * o.depth }),
  });
});

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('checkModelSize and the size cap of buildModel / createModel', () => {
  it('returns the closed-form total within the cap', () => {
    expect(DEFAULT_MAX_PARAMS).toBe(100_000_000);
    expect(checkModelSize({ model: 'size-net', width: 100 })).toBe(10_000);
    expect(checkModelSize({ model: 'size-net', width: 10_000, depth: 1 })).toBe(100_000_000);
  });

  it('refuses a model over the cap before building it, naming the model, the count, the cap and how to raise it', () => {
    builds = 0;
    const spec = { model: 'size-net', width: 10_000, depth: 2 };
    const expected = 'Model "size-net" would have 200,000,000 parameters, over the cap of 100,000,000; '
      + 'to build it anyway, pass maxParams (e.g. buildModel(spec, { maxParams: 200000000 })) or --max-params on the command line';
    expect(configError(() => checkModelSize(spec)).message).toBe(expected);
    expect(configError(() => buildModel(spec)).message).toBe(expected);
    expect(configError(() => createModel('size-net', { width: 10_000, depth: 2 })).message).toBe(expected);
    expect(configError(() => buildModel({ model: 'size-net', width: 20, depth: 2 }, { maxParams: 799 })).message)
      .toBe('Model "size-net" would have 800 parameters, over the cap of 799; to build it anyway, pass maxParams (e.g. buildModel(spec, { maxParams: 800 })) or --max-params on the command line');
    expect(builds).toBe(0);
  });

  it('a width of 1e9 or a depth of 1e6 fails at once instead of allocating', () => {
    builds = 0;
    expect(configError(() => createModel('size-net', { width: 1e9 })).message).toMatch(/^Model "size-net" would have about 1.00e\+18 parameters, which is not a safe integer/);
    expect(configError(() => createModel('size-net', { width: 1000, depth: 1e6 })).message).toMatch(/^Model "size-net" would have 1,000,000,000,000 parameters, over the cap of 100,000,000/);
    expect(builds).toBe(0);
  });

  it('a non-safe-integer size is refused as an option, never counted as ∞', () => {
    for (const width of [1e300, 2 ** 60, Infinity, 1.5]) {
      const e = configError(() => specParams({ model: 'size-net', width }));
      expect(e.message).toBe(`sizeNet: option "width" must be a positive integer, received ${String(width)}`);
      expect(e.option).toBe('width');
    }
    // Sizes that are safe integers but whose product is not: the count is refused, not printed as 1e+30 or ∞.
    expect(configError(() => specParams({ model: 'size-net', width: 1e15 })).message)
      .toBe('Model "size-net" would have about 1.00e+30 parameters, which is not a safe integer (at most 9,007,199,254,740,991): some size option is far too large');
  });

  it('maxParams raises or removes the cap, and must be a positive integer or Infinity', () => {
    const model = buildModel({ model: 'size-net', width: 20, depth: 2 }, { maxParams: 800, seed: 1 });
    expect(model.countParams()).toBe(400);
    model.dispose();
    expect(checkModelSize({ model: 'size-net', width: 10_000, depth: 3 }, { maxParams: Infinity })).toBe(300_000_000);
    for (const maxParams of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(configError(() => checkModelSize({ model: 'size-net', width: 2 }, { maxParams })).message)
        .toBe(`checkModelSize: option "maxParams" must be a positive integer (or Infinity for no cap), received ${String(maxParams)}`);
    }
    expect(configError(() => createModel('size-net', { width: 2 }, { maxParams: 0 })).message)
      .toBe('buildModel: option "maxParams" must be a positive integer (or Infinity for no cap), received 0');
  });
});
