// The old option names (dModel, dFfn, channels; TokenEmbedding's dim) are accepted for one release at block,
// builder and spec level, with one deprecation warning per owner and name; old and new together is an error.
// (Own file: the warning is printed once per process, so no other test may use the old names first.)
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, countParams, specParams } from '@mlp-blocks/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GmlpBlock, TokenEmbedding, classifierParams, gmlpClassifier, gmlpSequenceModel, sequenceParams } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  vi.restoreAllMocks();
});

const renamed = (owner: string, old: string, now: string) =>
  `${owner}: option "${old}" is renamed "${now}"; the old name is accepted until the next major release`;
/** The deprecation warnings among everything printed with console.warn (tfjs prints its own notice once). */
const deprecations = (warn: { mock: { calls: unknown[][] } }) => warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes(' is renamed '));

describe('blocks', () => {
  it('GmlpBlock takes dFfn as channelMlpDim, warns once, and writes the new name in its config', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const a = new GmlpBlock({ dFfn: 8, seqLen: 4 });
    const b = new GmlpBlock({ dFfn: 12 });
    expect(deprecations(warn)).toEqual([renamed('GmlpBlock', 'dFfn', 'channelMlpDim')]);
    expect([a.channelMlpDim, b.channelMlpDim, a.dFfn]).toEqual([8, 12, 8]);
    expect(a.getConfig()).toMatchObject({ channelMlpDim: 8, seqLen: 4 });
    expect(a.getConfig()).not.toHaveProperty('dFfn');
    const again = new GmlpBlock(JSON.parse(JSON.stringify(a.getConfig())));
    expect(again.getConfig()).toEqual({ ...a.getConfig(), name: again.name });
    expect(() => new GmlpBlock({ dFfn: 8, channelMlpDim: 8 } as never)).toThrow(ConfigError);
    expect(() => new GmlpBlock({ dFfn: 8, channelMlpDim: 8 } as never))
      .toThrow('GmlpBlock: options "dFfn" (the old name) and "channelMlpDim" are both given; keep "channelMlpDim"');
    expect(() => new GmlpBlock({ dFfn: 7 })).toThrow('GmlpBlock: option "channelMlpDim" must be an even positive integer');
    expect(deprecations(warn)).toHaveLength(1);
  });

  it('TokenEmbedding takes dim as embedDim, warns once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const a = new TokenEmbedding({ vocabSize: 5, dim: 3 });
    expect(new TokenEmbedding({ vocabSize: 6, dim: 2 }).embedDim).toBe(2);
    expect(deprecations(warn)).toEqual([renamed('TokenEmbedding', 'dim', 'embedDim')]);
    expect([a.embedDim, a.dim]).toEqual([3, 3]);
    expect(a.getConfig()).toMatchObject({ vocabSize: 5, embedDim: 3 });
    expect(() => new TokenEmbedding({ vocabSize: 5, dim: 3, embedDim: 3 } as never))
      .toThrow('TokenEmbedding: options "dim" (the old name) and "embedDim" are both given; keep "embedDim"');
  });
});

describe('builders', () => {
  const classifier = { imageSize: 8, patchSize: 2, numClasses: 3, depth: 1 };

  it('gmlpClassifier takes dModel, dFfn and channels, warns once per name, and builds the same network', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const before = tf.memory().numTensors;
    const old = gmlpClassifier({ ...classifier, dModel: 8, dFfn: 12, channels: 2 });
    const now = gmlpClassifier({ ...classifier, embedDim: 8, channelMlpDim: 12, inputChannels: 2 });
    expect(classifierParams({ ...classifier, dModel: 8, dFfn: 12, channels: 2 })).toEqual(classifierParams({ ...classifier, embedDim: 8, channelMlpDim: 12, inputChannels: 2 }));
    expect(deprecations(warn).sort()).toEqual([
      renamed('gmlpClassifier', 'channels', 'inputChannels'), renamed('gmlpClassifier', 'dFfn', 'channelMlpDim'), renamed('gmlpClassifier', 'dModel', 'embedDim'),
    ]);
    expect(old.inputs[0]!.shape).toEqual([null, 8, 8, 2]);
    expect(old.weights.map((w) => `${w.originalName} [${w.shape}]`)).toEqual(now.weights.map((w) => `${w.originalName} [${w.shape}]`));
    expect(countParams(old)).toEqual(countParams(now));
    old.dispose();
    now.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => gmlpClassifier({ ...classifier, dModel: 8, embedDim: 8 } as never))
      .toThrow('gmlpClassifier: options "dModel" (the old name) and "embedDim" are both given; keep "embedDim"');
  });

  it('an old name overrides a preset\'s value in a builder, as the new name does', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(classifierParams({ preset: 'gmlp_mnist', dModel: 32 })).toEqual(classifierParams({ preset: 'gmlp_mnist', embedDim: 32 }));
    expect(classifierParams({ preset: 'gmlp_mnist', dFfn: 64 }).total).toBeLessThan(classifierParams({ preset: 'gmlp_mnist' }).total);
  });

  it('gmlpSequenceModel takes dModel and dFfn (it never had channels)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const options = { vocabSize: 9, seqLen: 5, depth: 1 };
    const model = gmlpSequenceModel({ ...options, dModel: 4, dFfn: 6 });
    expect(countParams(model)).toEqual(sequenceParams({ ...options, embedDim: 4, channelMlpDim: 6 }));
    model.dispose();
    expect(deprecations(warn).sort()).toEqual([
      renamed('gmlpSequenceModel', 'dFfn', 'channelMlpDim'), renamed('gmlpSequenceModel', 'dModel', 'embedDim'),
    ]);
    // (core may rename the family's old names before parsing, so the option is named either way)
    expect(() => gmlpSequenceModel({ ...options, embedDim: 4, channels: 1 } as never)).toThrow(/^gmlpSequenceModel: kind "sequence" takes no image options, received (channels|inputChannels) /);
  });
});

describe('specs', () => {
  it('{"model":"gmlp"} specs with the old names count like the new ones; old and new together is an error', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const now = { model: 'gmlp', imageSize: 16, patchSize: 4, numClasses: 10, depth: 2, embedDim: 16, channelMlpDim: 32, inputChannels: 1 };
    expect(specParams({ model: 'gmlp', imageSize: 16, patchSize: 4, numClasses: 10, depth: 2, dModel: 16, dFfn: 32, channels: 1 })).toEqual(specParams(now));
    expect(specParams({ model: 'gmlp', kind: 'sequence', vocabSize: 9, seqLen: 5, depth: 1, dModel: 4 }))
      .toEqual(specParams({ model: 'gmlp', kind: 'sequence', vocabSize: 9, seqLen: 5, depth: 1, embedDim: 4 }));
    expect(() => specParams({ ...now, channels: 1 })).toThrow('gmlpClassifier: options "channels" (the old name) and "inputChannels" are both given; keep "inputChannels"');
  });
});
