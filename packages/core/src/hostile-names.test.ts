import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, INITIALIZER_NAMES, buildFromSpec, createModel, createNorm, defineOptions, getActivation, getBlockClass, getFamily, option, parseOptions,
  registerFamily, resolveInitializer, resolveSpec, validate,
} from './index.js';

// Names that are keys of every plain object: a lookup in an object literal would find Object.prototype's members.
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const OPTIONS = defineOptions({
  inputDim: option.withDefault(option.positiveInt('Input size.'), 2),
  mode: option.withDefault(option.oneOf(['a', 'b'], 'A mode.'), 'a'),
  activation: option.withDefault(option.activation('Activation.'), 'relu'),
  norm: option.withDefault(option.norm('Norm.'), 'none'),
  init: option.withDefault(option.initializer('Initializer.'), 'zeros'),
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFamily({
    name: 'hostile-net', packageName: '@example/hostile-net', description: 'a test network', owner: 'hostileNet',
    options: OPTIONS, renames: { oldDim: 'inputDim' }, input: 'flat',
    presets: { hostile_small: { description: 'small', options: { inputDim: 1 } } },
    build: () => tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] }),
    countParams: () => ({ trainable: 2, nonTrainable: 0, total: 2 }),
  });
});

/** The message of the ConfigError `f` throws; it must never render Object.prototype members. */
function configMessage(f: () => unknown): string {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as Error).message;
  expect(message).not.toMatch(/\[object Object\]|\[native code\]|function /);
  return message;
}

// The JSON a user writes: JSON.parse makes "__proto__" an own key, as a spec file or CLI argument would.
const json = (name: string, extra = '') => JSON.parse(`{"model":${JSON.stringify(name)}${extra}}`) as { model: string };

describe.each(NAMES)('the name %j', (name) => {
  const q = JSON.stringify(name);

  it('is an unknown model to getFamily, createModel and resolveSpec, listing the registered ones', () => {
    for (const f of [() => getFamily(name), () => createModel(name), () => resolveSpec(json(name))]) {
      const message = configMessage(f);
      expect(message.startsWith(`Unknown model ${q}. Registered: `)).toBe(true);
      expect(message).toContain('hostile-net');
    }
  });

  it('is an unknown preset, option value, activation, norm or initializer, each listing the known ones', () => {
    expect(configMessage(() => resolveSpec({ model: 'hostile-net', preset: name })))
      .toBe(`hostileNet: option "preset" must be one of "hostile_small", received ${q}`);
    expect(configMessage(() => resolveSpec({ model: 'hostile-net', mode: name })))
      .toBe(`hostileNet: option "mode" must be one of "a", "b", received ${q}`);
    expect(configMessage(() => resolveSpec({ model: 'hostile-net', activation: name })))
      .toBe(`hostileNet: option "activation" must be one of "relu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "linear", received ${q}`);
    expect(configMessage(() => resolveSpec({ model: 'hostile-net', norm: name })))
      .toBe(`hostileNet: option "norm" must be one of "batch", "layer", "rms", "affine", "none", received ${q}`);
    expect(configMessage(() => resolveSpec({ model: 'hostile-net', init: name })))
      .toBe(`hostileNet: option "init" must be an initializer name (${INITIALIZER_NAMES.join(', ')}) or {"name": ..., ...params}, received ${q}`);
    expect(configMessage(() => getActivation(name))).toBe(`activation: option "activation" must be one of "relu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "linear", received ${q}`);
    expect(configMessage(() => createNorm(name, 'n', 'owner'))).toBe(`owner: option "norm" must be one of "batch", "layer", "rms", "affine", "none", received ${q}`);
    expect(configMessage(() => resolveInitializer(name as never, 3))).toMatch(new RegExp(`^initializer: option "initializer" must be one of torchUniform, .*seeded, received`));
    expect(configMessage(() => validate.oneOf('owner', 'kind', name, ['x', 'y']))).toBe(`owner: option "kind" must be one of "x", "y", received ${q}`);
  });

  it('is an unknown option key (also next to renames) and an unknown block', () => {
    expect(configMessage(() => resolveSpec(json('hostile-net', `,${q}:1`))))
      .toBe(`hostileNet: unknown option ${q} (received 1); known options: inputDim, mode, activation, norm, init`);
    expect(configMessage(() => parseOptions('owner', OPTIONS, JSON.parse(`{${q}:1}`), { renames: { oldDim: 'inputDim' } })))
      .toMatch(new RegExp(`^owner: unknown option ${q.replace(/[_$]/g, '\\$&')} \\(received 1\\)`));
    expect(configMessage(() => getBlockClass(name))).toMatch(new RegExp(`^Unknown block ${q.replace(/[_$]/g, '\\$&')}\\. Registered: .*Dense`));
    expect(configMessage(() => buildFromSpec({ block: name }))).toMatch(/^Unknown block/);
  });
});

describe('integer checks', () => {
  it('refuse integers too large to be exact (1e300, 2**60), naming the option and the value', () => {
    for (const n of [1e300, 2 ** 60]) {
      expect(configMessage(() => validate.positiveInt('owner', 'units', n))).toBe(`owner: option "units" must be a positive integer, received ${String(n)}`);
      expect(configMessage(() => validate.nonNegativeInt('owner', 'epoch', n))).toBe(`owner: option "epoch" must be a non-negative integer, received ${String(n)}`);
      expect(configMessage(() => validate.positiveIntOrList('owner', 'hidden', [1, n]))).toBe(`owner: option "hidden[1]" must be a positive integer, received ${String(n)}`);
      expect(configMessage(() => resolveSpec({ model: 'hostile-net', inputDim: n }))).toBe(`hostileNet: option "inputDim" must be a positive integer, received ${String(n)}`);
    }
  });
});
