import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { buildModel, createModel, registerFamily } from './families.js';
import { Dense } from './layers/dense.js';
import { option } from './options/index.js';
import { defineOptions } from './options/parse.js';
import { findPretrained, getPretrained, listPretrained, registerPretrained } from './pretrained.js';

const OPTIONS = defineOptions({
  inputDim: option.positiveInt('Input size.'),
  outputDim: option.positiveInt('Output size.'),
});
const SPEC = { model: 'pretrained-test-net', inputDim: 3, outputDim: 2 };
const TRAINED = [[1, 2], [3, 4], [5, 6]];
let loads = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerFamily({
    name: 'pretrained-test-net',
    packageName: '@example/pretrained-test',
    description: 'one dense layer',
    options: OPTIONS,
    input: 'flat',
    build: (o) => tfl.sequential({ layers: [new Dense({ name: 'd', units: o.outputDim, useBias: false, inputShape: [o.inputDim] })] }),
    countParams: (o) => ({ trainable: o.inputDim * o.outputDim, nonTrainable: 0, total: o.inputDim * o.outputDim }),
  });
  registerPretrained({
    name: 'test_trained',
    packageName: '@example/pretrained-test',
    description: 'the test net with known weights',
    spec: SPEC,
    data: { task: 'denoise', dataset: 'synthetic', sigma: 0.5 },
    inputShape: [3],
    load: () => {
      loads++;
      const model = buildModel(SPEC);
      tf.tidy(() => model.setWeights([tf.tensor2d(TRAINED)]));
      return model;
    },
  });
});

describe('pretrained registry', () => {
  it('createModel(name, { pretrained: true }) returns the registered model with its trained weights', () => {
    const before = loads;
    const model = createModel('test_trained', { pretrained: true });
    expect(loads).toBe(before + 1);
    expect(model.getWeights()[0]!.arraySync()).toEqual(TRAINED);
    model.dispose();
  });

  it('pretrained: false builds the architecture untrained, with the options given on top', () => {
    const model = createModel('test_trained', { pretrained: false, outputDim: 5 });
    expect(model.getWeights()[0]!.shape).toEqual([3, 5]);
    model.dispose();
    const plain = createModel('pretrained-test-net', { pretrained: false, inputDim: 2, outputDim: 2 });
    expect(plain.getWeights()[0]!.shape).toEqual([2, 2]);
    plain.dispose();
  });

  it('refuses options, a seed, a non-boolean flag and an unknown name, naming what is registered', () => {
    expect(() => createModel('test_trained', { pretrained: true, outputDim: 5 }))
      .toThrow('createModel: option "outputDim" must be left out: the options of the pretrained model test_trained are fixed (pretrained: false builds its architecture with yours), received 5');
    expect(() => createModel('test_trained', { pretrained: true }, { seed: 1 })).toThrow(/option "seed" must be left out/);
    expect(() => createModel('test_trained', { pretrained: 'yes' })).toThrow('createModel: option "pretrained" must be true or false, received "yes"');
    expect(() => createModel('pretrained-test-net', { pretrained: true })).toThrow(ConfigError);
    expect(() => createModel('__proto__', { pretrained: true }))
      .toThrow(/^No pretrained model "__proto__"\. Registered: .*test_trained.*import '@mlp-blocks\/pretrained'/);
    expect(() => createModel('test_trained', { pretrained: true }, { maxParams: 5 })).toThrow(/over the cap of 5/);
  });

  it('lists, finds and guards names', () => {
    expect(listPretrained().map((d) => d.name)).toContain('test_trained');
    expect(findPretrained('constructor')).toBeNull();
    expect(getPretrained('test_trained').data).toEqual({ task: 'denoise', dataset: 'synthetic', sigma: 0.5 });
    const entry = getPretrained('test_trained');
    expect(() => registerPretrained({ ...entry, packageName: '@other/pkg' }))
      .toThrow('registerPretrained: the pretrained model "test_trained" is already registered by @example/pretrained-test; @other/pkg must choose another name');
    expect(() => registerPretrained({ ...entry, name: 'Bad Name' })).toThrow(/name must be lower-case/);
    expect(() => registerPretrained({ ...entry, spec: {} as never })).toThrow(/spec must be a model spec/);
    expect(() => registerPretrained({ ...entry, load: undefined as never })).toThrow(/load must be a function/);
    expect(() => registerPretrained({ ...entry, inputShape: [28, 0] })).toThrow('registerPretrained(test_trained): inputShape must be a list of positive integers, received [28,0]');
    expect(registerPretrained(entry)).toBe(entry); // the same package again replaces it
  });
});
