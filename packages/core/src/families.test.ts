import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParams } from './block.js';
import { ConfigError } from './errors.js';
import {
  buildModel, createModel, findPreset, getFamily, inputKindOf, listFamilies, listModelNames, listModels, registerFamily, resolveSpec,
  specParams,
} from './families.js';
import { Dense } from './layers/dense.js';
import { option } from './options/index.js';
import { defineOptions } from './options/parse.js';

// A two-layer network family registered the way block packages do.
const OPTIONS = defineOptions({
  inputDim: option.positiveInt('Input size.'),
  outputDim: option.positiveInt('Output size.'),
  hidden: option.withDefault(option.positiveInt('Hidden width.'), 8),
  useBias: option.withDefault(option.boolean('Biases.'), true),
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFamily({
    name: 'test-net',
    packageName: '@example/test-net',
    description: 'a test network',
    owner: 'testNet',
    options: OPTIONS,
    renames: { bias: 'useBias' },
    input: 'flat',
    presets: {
      test_net_small: { description: 'hidden 2', options: { hidden: 2 } },
      'test-net-wide': { description: 'hidden 64', options: { hidden: 64, inputDim: 3 } },
      test_net_nobias: { description: 'no biases', options: { useBias: false } },
    },
    build: (o) => tfl.sequential({ layers: [
      new Dense({ units: o.hidden, useBias: o.useBias, inputShape: [o.inputDim] }), new Dense({ units: o.outputDim, useBias: o.useBias })] }),
    countParams: (o) => {
      const t = o.inputDim * o.hidden + o.hidden * o.outputDim + (o.useBias ? o.hidden + o.outputDim : 0);
      return { trainable: t, nonTrainable: 0, total: t };
    },
  });
});

describe('the family registry', () => {
  it('lists families and every creatable name (families and presets; - and _ alike)', () => {
    expect(listFamilies().map((f) => f.name)).toContain('test-net');
    expect(listModels()).toEqual(expect.arrayContaining(['test-net', 'test_net_small', 'test_net_wide']));
    expect(listModelNames().find((m) => m.name === 'test_net_wide')).toEqual({
      name: 'test_net_wide', family: 'test-net', packageName: '@example/test-net', description: 'hidden 64', kind: 'preset' });
    expect(findPreset('test-net-small')?.name).toBe('test_net_small');
    expect(findPreset('__proto__')).toBeNull();
  });

  it('resolves a spec: preset first, own options on top, parsed with defaults and Keras-style errors', () => {
    expect(resolveSpec({ model: 'test-net', inputDim: 4, outputDim: 2 }).options).toEqual({ inputDim: 4, outputDim: 2, hidden: 8, useBias: true });
    const byPreset = resolveSpec({ model: 'test-net-wide', outputDim: 2, hidden: 32 });
    expect(byPreset.preset).toBe('test_net_wide');
    expect(byPreset.options).toEqual({ inputDim: 3, outputDim: 2, hidden: 32, useBias: true });
    expect(resolveSpec({ model: 'test-net', preset: 'test_net_small', inputDim: 1, outputDim: 1 }).options['hidden']).toBe(2);
    expect(() => resolveSpec({ model: 'test-net', inputDim: 4, outputDim: 0 })).toThrow('testNet: option "outputDim" must be a positive integer, received 0');
    expect(() => resolveSpec({ model: 'test-net', inputDim: 4, outputDim: 2, hiden: 3 })).toThrow(/testNet: unknown option "hiden" \(received 3\); known options: inputDim, outputDim, hidden, useBias/);
    expect(() => resolveSpec({ model: 'test-net', preset: 'mixer_s16', inputDim: 1, outputDim: 1 }))
      .toThrow('testNet: option "preset" must be one of "test_net_small", "test-net-wide", "test_net_nobias", received "mixer_s16"');
    expect(inputKindOf(byPreset)).toBe('flat');
  });

  it('builds, counts in closed form (equal to the built model) and creates by name', () => {
    const spec = { model: 'test-net', inputDim: 5, outputDim: 3, bias: false };
    const model = buildModel(spec);
    expect(countParams(model)).toEqual(specParams(spec));
    expect(specParams(spec).trainable).toBe(5 * 8 + 8 * 3);
    model.dispose();
    const small = createModel('test_net_small', { inputDim: 2, outputDim: 2 });
    expect(countParams(small).trainable).toBe(2 * 2 + 2 + 2 * 2 + 2);
    small.dispose();
    expect(() => createModel('test-net', { model: 'x' })).toThrow(ConfigError);
  });

  it('refuses a name another package registered, a preset name in use, and malformed descriptors', () => {
    const base = { packageName: '@other/pkg', description: 'd', options: OPTIONS, input: 'flat' as const, build: () => { throw new Error('no'); }, countParams: () => ({ trainable: 0, nonTrainable: 0, total: 0 }) };
    expect(() => registerFamily({ ...base, name: 'test-net' })).toThrow('registerFamily: the family "test-net" is already registered by @example/test-net; @other/pkg must choose another name');
    expect(() => registerFamily({ ...base, name: 'other-net', presets: { 'test_net_small': { description: 'x', options: {} } } }))
      .toThrow('registerFamily(other-net): preset name "test_net_small" is already used by the family test-net');
    expect(() => registerFamily({ ...base, name: 'Bad Name' })).toThrow(/name must be lower-case letters/);
    expect(() => registerFamily({ ...base, name: 'no-build', build: undefined as never })).toThrow('registerFamily(no-build): build must be a function, received undefined');
  });

  it('an unknown name says what is registered and how packages register (never "[object Object]")', () => {
    expect(() => getFamily('nope')).toThrow(/Unknown model "nope"\. Registered: .*test-net.*--plugin <package>/);
    for (const name of ['__proto__', 'constructor', 'toString']) expect(() => getFamily(name)).toThrow(`Unknown model "${name}"`);
  });
});

describe('old option names next to a preset', () => {
  it('are renamed before the preset is merged, so they override its values', () => {
    expect(resolveSpec({ model: 'test_net_nobias', inputDim: 1, outputDim: 1, bias: true }).options).toMatchObject({ hidden: 8, useBias: true });
  });
});
