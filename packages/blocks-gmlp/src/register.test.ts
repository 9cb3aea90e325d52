// The "gmlp" family descriptor: registered with its options, renames, presets and closed-form count, so core's
// createModel / buildModel / specParams (and every tool on the registry) take gMLP by name.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  Dense, countParams, createModel, findPreset, getFamily, inputKindOf, listModelNames, resolveSpec, specParams,
} from '@mlp-blocks/core';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GMLP_OPTIONS, GMLP_RENAMES, GmlpBlock, PRESETS, PRESET_NAMES, type PresetName, TinyAttention, classifierParams,
  gmlpClassifier, gmlpSequenceModel,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts of the reference PyTorch classifier (timm's layout), from fixtures/make_fixtures.py. */
const torchCounts = JSON.parse(readFileSync(new URL('../fixtures/param_counts.json', import.meta.url), 'utf8')) as {
  presets: { preset: PresetName; params: number; published: number }[];
};

describe('the gmlp family descriptor', () => {
  it('is registered by the package with its options, old names, owner and citation', () => {
    const family = getFamily('gmlp');
    expect(family.packageName).toBe('@mlp-blocks/gmlp');
    expect(family.owner).toBe('gmlpClassifier');
    expect(family.options).toBe(GMLP_OPTIONS);
    expect(family.renames).toEqual({ dModel: 'embedDim', dFfn: 'channelMlpDim', channels: 'inputChannels' });
    expect(family.renames).toBe(GMLP_RENAMES);
    expect(family.citation).toMatch(/Pay Attention to MLPs.*2105\.08050/);
    expect(family.description.length).toBeGreaterThan(10);
  });

  it('registers every preset of PRESETS (new names, one-line description each), findable with - or _', () => {
    const family = getFamily('gmlp');
    expect(Object.keys(family.presets!)).toEqual(PRESET_NAMES);
    expect(PRESET_NAMES).toEqual(['gmlp_ti16', 'gmlp_s16', 'gmlp_b16', 'gmlp_mnist', 'gmlp_cifar10']);
    for (const name of PRESET_NAMES) {
      const preset = family.presets![name]!;
      expect(preset.options).toEqual(PRESETS[name]);
      expect(Object.keys(preset.options)).toEqual(expect.arrayContaining(['embedDim', 'channelMlpDim', 'inputChannels']));
      expect(preset.description).not.toContain('\n');
    }
    expect(findPreset('gmlp-ti16')).toMatchObject({ family: 'gmlp', name: 'gmlp_ti16' });
    const listed = listModelNames().filter((m) => m.family === 'gmlp');
    expect(listed.map((m) => m.name).sort()).toEqual(['gmlp', ...PRESET_NAMES].sort());
    expect(listed.every((m) => m.packageName === '@mlp-blocks/gmlp' && m.description.length > 10)).toBe(true);
  });

  it('input kind: images for the classifier (and the presets), sequences for kind "sequence"', () => {
    expect(inputKindOf(resolveSpec({ model: 'gmlp_mnist' }))).toBe('image');
    expect(inputKindOf(resolveSpec({ model: 'gmlp', imageSize: 8, patchSize: 2, numClasses: 2, embedDim: 4, depth: 1 }))).toBe('image');
    expect(inputKindOf(resolveSpec({ model: 'gmlp', kind: 'sequence', vocabSize: 5, seqLen: 4, embedDim: 4, depth: 1 }))).toBe('sequence');
  });

  it('resolves a spec into the parsed network: preset first, own options on top, defaults filled', () => {
    expect(resolveSpec({ model: 'gmlp', preset: 'gmlp_mnist', depth: 2, tinyAttention: true }).options).toEqual({
      kind: 'classifier', imageSize: [28, 28], patchSize: [4, 4], inputChannels: 1, numClasses: 10, embedDim: 64, depth: 2,
      channelMlpDim: 384, tinyAttention: true, attentionDim: 64, activation: 'gelu', gateActivation: 'linear', dropPath: 0,
      seqLen: 49, causal: false,
    });
    expect(resolveSpec({ model: 'gmlp', kind: 'sequence', vocabSize: 5, seqLen: 4, embedDim: 4, depth: 1 }).options).toMatchObject({
      kind: 'sequence', channelMlpDim: 24, outputDim: 5, causal: true,
    });
  });
});

describe('createModel and specParams', () => {
  it.each(['gmlp_mnist', 'gmlp_cifar10'])('%s: specParams equals countParams(createModel(...)), overrides included', (name) => {
    const before = tf.memory().numTensors;
    for (const options of [{}, { tinyAttention: true, numClasses: 7 }, { depth: 1, embedDim: 16, channelMlpDim: 20, dropPath: 0.1 }]) {
      const model = createModel(name, options);
      expect(countParams(model), JSON.stringify(options)).toEqual(specParams({ model: name, ...options }));
      expect(specParams({ model: 'gmlp', preset: name, ...options })).toEqual(specParams({ model: name, ...options }));
      const p = PRESETS[name as PresetName];
      expect(model.inputs[0]!.shape).toEqual([null, p.imageSize, p.imageSize, p.inputChannels]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(torchCounts.presets.map((p) => [p.preset, p.params, p.published] as const))(
    '%s by name: the closed form is the PyTorch count %d, within 1%% of timm\'s %d', (name, params, published) => {
      const counts = specParams({ model: name });
      expect(counts).toEqual({ trainable: params, nonTrainable: 0, total: params });
      expect(Math.abs(counts.trainable - published) / published).toBeLessThan(0.01);
    });

  it('createModel(\'gmlp_ti16\', { numClasses: 10 }) builds timm\'s gMLP-Ti/16 with a 10-class head, as counted', () => {
    const before = tf.memory().numTensors;
    const model = createModel('gmlp_ti16', { numClasses: 10 });
    expect(countParams(model)).toEqual(specParams({ model: 'gmlp_ti16', numClasses: 10 }));
    expect(countParams(model).trainable).toBe(5_867_328 - 990 * 129);
    expect(model.layers.length).toBe(1 + 30 + 3);
    expect(model.inputs[0]!.shape).toEqual([null, 224, 224, 3]);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the builders take a preset', () => {
  it('gmlpClassifier({ preset: \'gmlp_mnist\', numClasses: 3 }): the preset under the given options', () => {
    const before = tf.memory().numTensors;
    const model = gmlpClassifier({ preset: 'gmlp_mnist', numClasses: 3, depth: 2 });
    expect(model.layers.map((l) => l.name)).toEqual(['stem', 'block_1', 'block_2', 'norm', 'pool', 'head']);
    expect((model.getLayer('block_1') as GmlpBlock).channelMlpDim).toBe(384);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    expect(countParams(model)).toEqual(classifierParams({ preset: 'gmlp_mnist', numClasses: 3, depth: 2 }));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gmlpClassifier({ preset: \'gmlp_ti16\', numClasses: 10 }) (the call mixerClassifier already took)', () => {
    const model = gmlpClassifier({ preset: 'gmlp_ti16', numClasses: 10 });
    expect(countParams(model).trainable).toBe(5_867_328 - 990 * 129);
    model.dispose();
  });

  it('an unknown preset, or a preset for the sequence model, is a ConfigError', () => {
    expect(() => gmlpClassifier({ preset: 'gmlp_xl' as never })).toThrow('gmlpClassifier: option "preset" must be one of "gmlp_ti16", "gmlp_s16", "gmlp_b16", "gmlp_mnist", "gmlp_cifar10", received "gmlp_xl"');
    expect(() => gmlpSequenceModel({ preset: 'gmlp_mnist', vocabSize: 5, seqLen: 4 } as never))
      .toThrow('gmlpSequenceModel: kind "sequence" takes no image options, received imageSize, patchSize, inputChannels, numClasses');
  });
});

describe('blocks call their owned layers (no weight reads): U and qkv in column groups', () => {
  it('GmlpBlock computes U as two halves and TinyAttention q, k, v as three groups with Dense.callColumns', () => {
    const spy = vi.spyOn(Dense.prototype, 'callColumns');
    const block = new GmlpBlock({ channelMlpDim: 10, tinyAttention: true, attentionDim: 3 });
    (block.apply(tf.randomNormal([2, 4, 6], 0, 1, 'float32', 1)) as tf.Tensor).dispose();
    expect(spy.mock.calls.map((c) => [(c[0] as tf.Tensor).shape, c[1]])).toEqual([[[2, 4, 6], [5, 5]], [[2, 4, 6], [3, 3, 3]]]);
    expect(spy.mock.contexts.map((d) => (d as Dense).name)).toEqual(['proj_in', 'qkv']);
    const attention = new TinyAttention({ units: 2, attentionDim: 4 });
    (attention.apply(tf.zeros([1, 3, 5])) as tf.Tensor).dispose();
    expect(spy.mock.calls.at(-1)![1]).toEqual([4, 4, 4]);
    block.dispose();
    attention.dispose();
  });
});
