// The names used before the one vocabulary are accepted for one release, with one deprecation warning per
// process and owner/option (core keeps that state, so each old name's first use in this file is the one that warns).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, countParams as countBuilt, createModel, specParams } from '@mlp-blocks/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MixerBlock, ResMlpBlock, TemporalProjection, TsMixerBlock, mixerClassifier, mixerParams, resMlpClassifier, resMlpParams, resolveResMlp,
  tsMixerForecaster, tsMixerParams,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const renamed = (owner: string, old: string, now: string) =>
  `${owner}: option "${old}" is renamed "${now}"; the old name is accepted until the next major release`;
const warnings = () => warn.mock.calls.map((c: unknown[]) => String(c[0]));
const both = (owner: string, old: string, now: string) => `${owner}: options "${old}" (the old name) and "${now}" are both given; keep "${now}"`;

describe('blocks', () => {
  it('MixerBlock and ResMlpBlock: tokens → seqLen, one warning each however often used; the config has the new name', () => {
    const a = new MixerBlock({ tokens: 4, tokenMlpDim: 2 });
    new MixerBlock({ tokens: 5 });
    expect(a.seqLen).toBe(4);
    expect(a.tokens).toBe(4); // the deprecated property reads the new one
    const b = new ResMlpBlock({ tokens: 3 });
    new ResMlpBlock({ tokens: 3 });
    expect(b.seqLen).toBe(3);
    expect(warnings()).toEqual([renamed('MixerBlock', 'tokens', 'seqLen'), renamed('ResMlpBlock', 'tokens', 'seqLen')]);
    const config = a.getConfig();
    expect(config['seqLen']).toBe(4);
    expect(config).not.toHaveProperty('tokens');
    const y = a.apply(tf.zeros([2, 4, 6])) as tf.Tensor;
    expect(y.shape).toEqual([2, 4, 6]);
    y.dispose();
    expect(() => a.apply(tf.zeros([1, 5, 6]))).toThrow('MixerBlock: expected 4 tokens, received 5 tokens');
  });

  it('TsMixerBlock: timeSteps → seqLen and ffDim → channelMlpDim; TemporalProjection: timeSteps → seqLen', () => {
    const block = new TsMixerBlock({ name: 't', timeSteps: 5, ffDim: 6 });
    new TsMixerBlock({ timeSteps: 5, ffDim: 6 });
    expect([block.seqLen, block.channelMlpDim, block.timeSteps, block.ffDim]).toEqual([5, 6, 5, 6]);
    block.apply(tf.zeros([2, 5, 3]));
    expect(block.weights.find((w) => w.originalName === 't/feature_fc1/kernel')!.shape).toEqual([3, 6]);
    const head = new TemporalProjection({ horizon: 2, timeSteps: 5 });
    expect(head.seqLen).toBe(5);
    expect(warnings()).toEqual([
      renamed('TsMixerBlock', 'timeSteps', 'seqLen'), renamed('TsMixerBlock', 'ffDim', 'channelMlpDim'), renamed('TemporalProjection', 'timeSteps', 'seqLen'),
    ]);
    expect(Object.keys(block.getConfig())).toEqual(expect.arrayContaining(['seqLen', 'channelMlpDim']));
    expect(block.getConfig()).not.toHaveProperty('ffDim');
    expect(head.getConfig()).not.toHaveProperty('timeSteps');
  });

  it('an old name and its new name together are a ConfigError', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => new MixerBlock({ tokens: 4, seqLen: 4 }), both('MixerBlock', 'tokens', 'seqLen')],
      [() => new ResMlpBlock({ tokens: 4, seqLen: 4 }), both('ResMlpBlock', 'tokens', 'seqLen')],
      [() => new TsMixerBlock({ ffDim: 4, channelMlpDim: 8 }), both('TsMixerBlock', 'ffDim', 'channelMlpDim')],
      [() => new TemporalProjection({ horizon: 2, timeSteps: 4, seqLen: 4 }), both('TemporalProjection', 'timeSteps', 'seqLen')],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    }
  });

  it('new names never warn', () => {
    const block = new MixerBlock({ seqLen: 4, tokenMlpDim: 2 });
    new TsMixerBlock({ seqLen: 5, channelMlpDim: 6 });
    new TemporalProjection({ horizon: 2, seqLen: 5 });
    new MixerBlock(block.getConfig() as never);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('builders and specs', () => {
  it('mixer: hiddenDim → embedDim in the builder, next to a preset (the old name overrides the preset\'s embedDim); then in specs, no second warning', () => {
    const model = mixerClassifier({ preset: 'mixer_nano', hiddenDim: 8, imageSize: 8, depth: 1, numClasses: 3 });
    const now = { preset: 'mixer_nano' as const, embedDim: 8, imageSize: 8, depth: 1, numClasses: 3 };
    expect(countBuilt(model)).toEqual(mixerParams(now));
    expect(model.weights.find((w) => w.originalName === 'stem/patch_embed/kernel')!.shape).toEqual([48, 8]);
    model.dispose();
    expect(mixerParams({ preset: 'mixer_nano', hiddenDim: 8, imageSize: 8, depth: 1, numClasses: 3 })).toEqual(mixerParams(now));
    expect(warnings()).toEqual([renamed('mixerClassifier', 'hiddenDim', 'embedDim')]);
    const spec = { model: 'mixer', hiddenDim: 8, imageSize: 8, patchSize: 4, depth: 1, numClasses: 3 };
    expect(specParams(spec)).toEqual(mixerParams(now));
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('resmlp: hiddenDim → embedDim in a spec first, then in the builder and resolveResMlp', () => {
    const counts = specParams({ model: 'resmlp', hiddenDim: 6, imageSize: 8, patchSize: 4, depth: 2, numClasses: 3 });
    expect(counts).toEqual(resMlpParams({ preset: 'resmlp_12', embedDim: 6, imageSize: 8, patchSize: 4, depth: 2, numClasses: 3 }));
    expect(warnings()).toEqual([renamed('resMlpClassifier', 'hiddenDim', 'embedDim')]);
    const model = resMlpClassifier({ preset: 'resmlp_12', imageSize: 8, patchSize: 4, hiddenDim: 6, depth: 2, numClasses: 3 });
    expect(countBuilt(model)).toEqual(counts);
    model.dispose();
    expect(resolveResMlp({ preset: 'resmlp_24', hiddenDim: 6 }).embedDim).toBe(6);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('tsmixer: inputLength → seqLen and ffDim → channelMlpDim, in the builder and through createModel', () => {
    const before = tf.memory().numTensors;
    const model = tsMixerForecaster({ inputLength: 6, features: 2, horizon: 3, ffDim: 4 });
    expect(model.inputs[0]!.shape).toEqual([null, 6, 2]);
    const again = createModel('tsmixer', { inputLength: 6, features: 2, horizon: 3, ffDim: 4 });
    const counts = tsMixerParams({ seqLen: 6, features: 2, horizon: 3, channelMlpDim: 4 });
    expect(countBuilt(model)).toEqual(counts);
    expect(countBuilt(again)).toEqual(counts);
    model.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(warnings()).toEqual([renamed('tsMixerForecaster', 'inputLength', 'seqLen'), renamed('tsMixerForecaster', 'ffDim', 'channelMlpDim')]);
  });

  it('an old name and its new name together are a ConfigError, in builders and specs', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => mixerClassifier({ preset: 'mixer_nano', hiddenDim: 8, embedDim: 8 }), both('mixerClassifier', 'hiddenDim', 'embedDim')],
      [() => specParams({ model: 'resmlp', preset: 'resmlp_12', hiddenDim: 8, embedDim: 8 }), both('resMlpClassifier', 'hiddenDim', 'embedDim')],
      [() => specParams({ model: 'tsmixer', inputLength: 8, seqLen: 8, features: 1, horizon: 1 }), both('tsMixerForecaster', 'inputLength', 'seqLen')],
      [() => tsMixerForecaster({ seqLen: 8, features: 1, horizon: 1, ffDim: 4, channelMlpDim: 4 }), both('tsMixerForecaster', 'ffDim', 'channelMlpDim')],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    }
  });
});
