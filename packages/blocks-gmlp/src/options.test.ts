// The options declared once: every option has a doc, the networks reuse the blocks' entries (one default each),
// and a bad value is a ConfigError naming the block (or builder), the option and the value.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, PATCH_EMBEDDING_OPTIONS, buildModel, optionDefaults, optionDocs } from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GMLP_BLOCK_OPTIONS, GMLP_CLASSIFIER_OPTIONS, GMLP_OPTIONS, GMLP_SEQUENCE_OPTIONS, GmlpBlock, SPATIAL_GATING_OPTIONS,
  SpatialGatingUnit, TINY_ATTENTION_OPTIONS, TOKEN_EMBEDDING_OPTIONS, TinyAttention, TokenEmbedding, gmlpClassifier,
  gmlpSequenceModel,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SCHEMAS = {
  SPATIAL_GATING_OPTIONS, TINY_ATTENTION_OPTIONS, TOKEN_EMBEDDING_OPTIONS, GMLP_BLOCK_OPTIONS, GMLP_CLASSIFIER_OPTIONS,
  GMLP_SEQUENCE_OPTIONS, GMLP_OPTIONS,
};

describe('options declared once', () => {
  it.each(Object.entries(SCHEMAS))('%s: every option has a doc', (_, schema) => {
    const docs = optionDocs(schema);
    expect(Object.keys(docs).sort()).toEqual(Object.keys(schema.entries).sort());
    for (const doc of Object.values(docs)) expect(doc.length).toBeGreaterThan(5);
  });

  it('the block and the networks share one entry (one default) per option, and use the new names', () => {
    const c = GMLP_CLASSIFIER_OPTIONS.entries;
    const s = GMLP_SEQUENCE_OPTIONS.entries;
    const b = GMLP_BLOCK_OPTIONS.entries;
    for (const key of ['activation', 'gateActivation', 'tinyAttention', 'attentionDim', 'dropPath'] as const) {
      expect(c[key], key).toBe(b[key]);
      expect(s[key], key).toBe(b[key]);
    }
    expect(c.embedDim).toBe(s.embedDim);
    expect(b.gateActivation).toBe(SPATIAL_GATING_OPTIONS.entries.activation);
    expect(b.gateEpsilon).toBe(SPATIAL_GATING_OPTIONS.entries.epsilon);
    expect(b.attentionDim).toBe(TINY_ATTENTION_OPTIONS.entries.attentionDim);
    expect(c.patchSize).toBe(PATCH_EMBEDDING_OPTIONS.entries.patchSize);
    expect(s.vocabSize).toBe(TOKEN_EMBEDDING_OPTIONS.entries.vocabSize);
    expect(optionDefaults(GMLP_CLASSIFIER_OPTIONS)).toMatchObject({ activation: 'gelu', gateActivation: 'linear', attentionDim: 64, inputChannels: 3 });
    expect(optionDefaults(GMLP_BLOCK_OPTIONS)).toMatchObject({ activation: 'gelu', causal: false, epsilon: 1e-6, gateEpsilon: 1e-5 });
    expect(optionDefaults(GMLP_SEQUENCE_OPTIONS)).toMatchObject({ causal: true });
    for (const schema of Object.values(SCHEMAS)) {
      for (const old of ['dModel', 'dFfn', 'channels', 'dim']) expect(Object.keys(schema.entries)).not.toContain(old);
    }
  });
});

describe('no arguments: a ConfigError naming the missing option (not a TypeError)', () => {
  const none = <T>(cls: new (args: never) => T) => () => new (cls as unknown as new () => T)();
  it.each([
    ['GmlpBlock', none(GmlpBlock), 'GmlpBlock: option "channelMlpDim" must be a positive integer, received undefined'],
    ['TinyAttention', none(TinyAttention), 'TinyAttention: option "units" must be a positive integer, received undefined'],
    ['TokenEmbedding', none(TokenEmbedding), 'TokenEmbedding: option "vocabSize" must be a positive integer, received undefined'],
    ['gmlpClassifier', () => (gmlpClassifier as unknown as () => void)(), 'gmlpClassifier: option "imageSize" must be a positive integer or a [height, width] pair of them, received undefined'],
    ['gmlpSequenceModel', () => (gmlpSequenceModel as unknown as () => void)(), 'gmlpSequenceModel: option "vocabSize" must be a positive integer, received undefined'],
  ])('%s()', (_, create, message) => {
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });

  it('SpatialGatingUnit has no required option: it builds with none', () => {
    const sgu = new SpatialGatingUnit();
    expect(sgu.seqLen).toBeNull();
    expect(sgu.activation).toBe('linear');
  });
});

describe('bad values name the owner, the option and the value', () => {
  it.each([
    [() => new SpatialGatingUnit({ epsilon: -1 }), 'SpatialGatingUnit: option "epsilon" must be a positive number, received -1'],
    [() => new SpatialGatingUnit({ spatialBiasInitializer: 'one' as never }), 'SpatialGatingUnit: option "spatialBiasInitializer" must be an initializer name'],
    [() => new TinyAttention({ units: 4, causal: 'no' as never }), 'TinyAttention: option "causal" must be true or false, received "no"'],
    [() => new TokenEmbedding({ vocabSize: 4, embedDim: 1.5 }), 'TokenEmbedding: option "embedDim" must be a positive integer, received 1.5'],
    [() => new GmlpBlock({ channelMlpDim: 8, gateEpsilon: 0 }), 'GmlpBlock: option "gateEpsilon" must be a positive number, received 0'],
    [() => new GmlpBlock({ channelMlpDim: 8, activation: 'swish' as never }), 'GmlpBlock: option "activation" must be one of "relu", "gelu"'],
    [() => new GmlpBlock({ channelMlpDim: 8, kernelInitializer: 'he' as never }), 'GmlpBlock: option "kernelInitializer" must be an initializer name'],
    [() => gmlpClassifier({ imageSize: 8, patchSize: 2, numClasses: 2, embedDim: 8, depth: 1, inputChannels: 0 }), 'gmlpClassifier: option "inputChannels" must be a positive integer, received 0'],
    [() => gmlpClassifier({ imageSize: [8, 0] as never, patchSize: 2, numClasses: 2, embedDim: 8, depth: 1 }), 'gmlpClassifier: option "imageSize[1]" must be a positive integer or a [height, width] pair of them, received 0'],
    [() => gmlpClassifier({ imageSize: 8, patchSize: 2, numClasses: 2, embedDim: 8, depth: 1, name: '' }), 'gmlpClassifier: option "name" must be a non-empty string, received ""'],
    [() => gmlpClassifier({ imageSize: 8, patchSize: 2, numClasses: 2, embedDim: 8, depth: 1, kind: 'sequence' } as never), 'gmlpClassifier: option "kind" must be "classifier" or left out'],
    [() => gmlpSequenceModel({ vocabSize: 5, seqLen: 4, embedDim: 4, depth: 1, outputDim: -2 }), 'gmlpSequenceModel: option "outputDim" must be a positive integer, received -2'],
    [() => gmlpSequenceModel({ vocabSize: 5, seqLen: 4, embedDim: 4, depth: 1, imageSize: 8 } as never), 'gmlpSequenceModel: kind "sequence" takes no image options, received imageSize'],
    [() => buildModel({ model: 'gmlp', imageSize: 8, patchSize: 2, numClasses: 2, embedDim: 'eight', depth: 1 }), 'gmlpClassifier: option "embedDim" must be a positive integer, received "eight"'],
    [() => buildModel({ model: 'gmlp', kind: 'sequence', vocabSize: 5, seqLen: 4, embedDim: 4, depth: 0 }), 'gmlpSequenceModel: option "depth" must be a positive integer, received 0'],
    [() => buildModel({ model: 'gmlp', kind: 'sequence', vocabSize: 5, seqLen: 4, embedDim: 4, depth: 1, channelMlpDim: 6, unknown: 1 }), 'gmlpSequenceModel: unknown option "unknown" (received 1); known options: vocabSize, seqLen, outputDim, causal, embedDim'],
  ])('%#', (create, message) => {
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });

  it('the default channelMlpDim (6·embedDim) is checked like a given one: even', () => {
    // 6·embedDim is always even, so only a given odd width fails; the default builds.
    const model = gmlpSequenceModel({ vocabSize: 5, seqLen: 4, embedDim: 3, depth: 1 });
    expect((model.getLayer('block_1') as GmlpBlock).channelMlpDim).toBe(18);
    model.dispose();
    expect(() => gmlpSequenceModel({ vocabSize: 5, seqLen: 4, embedDim: 3, depth: 1, channelMlpDim: 17 }))
      .toThrow('gmlpSequenceModel: option "channelMlpDim" must be an even positive integer (the spatial gating unit splits it into two halves), received 17');
  });
});

describe('the parsed options are the blocks\' properties and their configs', () => {
  it('GmlpBlock: defaults filled, new names only, seqLen learnt at build and written last', () => {
    const block = new GmlpBlock({ channelMlpDim: 8 });
    expect(block.channelMlpDim).toBe(8);
    expect(block.gateEpsilon).toBe(1e-5);
    expect(block.seqLen).toBeNull();
    (block.apply(tf.zeros([1, 5, 4])) as tf.Tensor).dispose();
    const config = block.getConfig();
    expect(block.seqLen).toBe(5);
    expect(config).toMatchObject({
      channelMlpDim: 8, causal: false, activation: 'gelu', gateActivation: 'linear', tinyAttention: false, attentionDim: 64,
      dropPath: 0, epsilon: 1e-6, gateEpsilon: 1e-5, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros',
      spatialInitializer: 'nearZero', seqLen: 5,
    });
    expect(Object.keys(config).at(-2)).toBe('seqLen'); // then the package key
    expect(config).not.toHaveProperty('dFfn');
    block.dispose();
  });

  it('TokenEmbedding and TinyAttention: the parsed options, nothing else', () => {
    const embed = new TokenEmbedding({ vocabSize: 7, embedDim: 3 });
    expect(embed.getConfig()).toMatchObject({ vocabSize: 7, embedDim: 3, embeddingsInitializer: { name: 'normal', stddev: 0.02 } });
    expect(embed.getConfig()).not.toHaveProperty('dim');
    const attn = new TinyAttention({ units: 6 });
    expect([attn.units, attn.attentionDim, attn.causal, attn.kernelInitializer, attn.biasInitializer]).toEqual([6, 64, false, 'glorotUniform', 'zeros']);
  });
});
