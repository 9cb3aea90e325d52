// The open-families design: options declared once (schemas with docs and Keras-style errors), blocks that
// compose core's Mlp, and the mixer / resmlp / tsmixer family descriptors in core's registry.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError, Mlp, type OptionsSchema, countParams as countBuilt, createModel, findPreset, getFamily, listFamilies, listModelNames, optionDefaults,
  optionDocs, specParams,
} from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MIXER_BLOCK_OPTIONS, MIXER_CLASSIFIER_OPTIONS, MIXER_CLASSIFIER_RENAMES, MixerBlock, PATCH_STEM_OPTIONS, PatchStem, RESMLP_BLOCK_OPTIONS,
  RESMLP_CLASSIFIER_OPTIONS, ResMlpBlock, TEMPORAL_PROJECTION_OPTIONS, TSMIXER_BLOCK_OPTIONS, TSMIXER_FORECASTER_OPTIONS,
  TSMIXER_FORECASTER_RENAMES, TemporalProjection, TsMixerBlock, mixerClassifier, mixerParams, resMlpClassifier, resMlpLayerScale, resolveResMlp,
  tsMixerForecaster,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SCHEMAS: Record<string, OptionsSchema> = {
  MixerBlock: MIXER_BLOCK_OPTIONS,
  ResMlpBlock: RESMLP_BLOCK_OPTIONS,
  TsMixerBlock: TSMIXER_BLOCK_OPTIONS,
  PatchStem: PATCH_STEM_OPTIONS,
  TemporalProjection: TEMPORAL_PROJECTION_OPTIONS,
  mixerClassifier: MIXER_CLASSIFIER_OPTIONS,
  resMlpClassifier: RESMLP_CLASSIFIER_OPTIONS,
  tsMixerForecaster: TSMIXER_FORECASTER_OPTIONS,
};

describe('options declared once', () => {
  it.each(Object.entries(SCHEMAS))('%s: every option has a doc', (_owner, schema) => {
    const docs = optionDocs(schema);
    expect(Object.keys(docs)).toEqual(Object.keys(schema.entries));
    for (const doc of Object.values(docs)) expect(doc.length).toBeGreaterThan(10);
  });

  it('the one vocabulary: no old name is an option anywhere', () => {
    for (const schema of Object.values(SCHEMAS)) {
      for (const old of ['hiddenDim', 'tokens', 'inputLength', 'timeSteps', 'ffDim']) expect(Object.keys(schema.entries)).not.toContain(old);
    }
    expect(Object.keys(MIXER_CLASSIFIER_OPTIONS.entries)).toEqual(expect.arrayContaining(['embedDim', 'channelMlpDim', 'tokenMlpDim']));
    expect(Object.keys(TSMIXER_FORECASTER_OPTIONS.entries)).toEqual(expect.arrayContaining(['seqLen', 'channelMlpDim', 'features', 'horizon']));
    expect(Object.keys(MIXER_BLOCK_OPTIONS.entries)).toContain('seqLen');
    expect(Object.keys(TSMIXER_BLOCK_OPTIONS.entries)).toContain('seqLen');
  });

  it('networks compose the blocks\' options: the same schema objects, so each default exists once', () => {
    for (const key of ['tokenMlpRatio', 'channelMlpRatio', 'activation', 'epsilon', 'dropout', 'dropPath', 'layerScale'] as const) {
      expect(MIXER_CLASSIFIER_OPTIONS.entries[key]).toBe(MIXER_BLOCK_OPTIONS.entries[key]);
    }
    for (const key of ['channelMlpDim', 'norm', 'epsilon', 'momentum', 'activation', 'dropout'] as const) {
      expect(TSMIXER_FORECASTER_OPTIONS.entries[key]).toBe(TSMIXER_BLOCK_OPTIONS.entries[key]);
    }
    expect(RESMLP_CLASSIFIER_OPTIONS.entries.channelMlpRatio).toBe(RESMLP_BLOCK_OPTIONS.entries.channelMlpRatio);
    expect(RESMLP_BLOCK_OPTIONS.entries.channelMlpRatio).toBe(MIXER_BLOCK_OPTIONS.entries.channelMlpRatio);
    expect(TEMPORAL_PROJECTION_OPTIONS.entries.seqLen).toBe(TSMIXER_BLOCK_OPTIONS.entries.seqLen);
    expect(optionDefaults(TSMIXER_FORECASTER_OPTIONS)).toEqual({
      depth: 2, channelMlpDim: 64, norm: 'batch', epsilon: 1e-3, momentum: 0.01, activation: 'relu', dropout: 0.05,
    });
    expect(optionDefaults(MIXER_BLOCK_OPTIONS)).toMatchObject({ tokenMlpRatio: 0.5, channelMlpRatio: 4, epsilon: 1e-6, layerScale: 0 });
  });

  it('ResMLP classifier: LayerScale is optional, and left out it is resMlpLayerScale(depth) (no sentinel value)', () => {
    expect(optionDefaults(RESMLP_CLASSIFIER_OPTIONS)).not.toHaveProperty('layerScale');
    expect(optionDocs(RESMLP_CLASSIFIER_OPTIONS)['layerScale']).toContain('resMlpLayerScale(depth)');
    const small = { imageSize: 8, patchSize: 4, embedDim: 4, numClasses: 2 };
    for (const depth of [2, 20, 30]) expect(resolveResMlp({ ...small, depth }).layerScale).toBe(resMlpLayerScale(depth));
    expect(resolveResMlp({ ...small, depth: 30, layerScale: 0.2 }).layerScale).toBe(0.2);
    expect(() => resMlpClassifier({ ...small, depth: 2, layerScale: 0 })).toThrow('resMlpClassifier: option "layerScale" must be a positive number, received 0');
  });
});

describe('errors name the owner, the option and the value (ConfigError)', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['MixerBlock seqLen', () => new MixerBlock({ seqLen: 0 }), 'MixerBlock: option "seqLen" must be a positive integer, received 0'],
    ['MixerBlock epsilon', () => new MixerBlock({ epsilon: -1 }), 'MixerBlock: option "epsilon" must be a positive number, received -1'],
    ['MixerBlock layerScale', () => new MixerBlock({ layerScale: -0.1 }), 'MixerBlock: option "layerScale" must be a positive number (or 0 for none), received -0.1'],
    ['MixerBlock channel widths', () => new MixerBlock({ channelMlpDim: 8, channelMlpRatio: 2 }),
      'MixerBlock: give "channelMlpDim" or "channelMlpRatio", not both (received channelMlpDim 8 and channelMlpRatio 2)'],
    ['ResMlpBlock widths', () => new ResMlpBlock({ channelMlpDim: 4, channelMlpRatio: 2 }),
      'ResMlpBlock: give "channelMlpDim" or "channelMlpRatio", not both (received channelMlpDim 4 and channelMlpRatio 2)'],
    ['ResMlpBlock dropout', () => new ResMlpBlock({ dropout: 1 }), 'ResMlpBlock: option "dropout" must be a number in [0, 1), received 1'],
    ['TsMixerBlock channelMlpDim', () => new TsMixerBlock({ channelMlpDim: 2.5 }), 'TsMixerBlock: option "channelMlpDim" must be a positive integer, received 2.5'],
    ['TsMixerBlock momentum', () => new TsMixerBlock({ momentum: 1 }), 'TsMixerBlock: option "momentum" must be a number in [0, 1), received 1'],
    ['TsMixerBlock activation', () => new TsMixerBlock({ activation: 'swish' as never }), 'TsMixerBlock: option "activation" must be one of "relu", "gelu"'],
    ['PatchStem patchSize', () => new PatchStem({ imageSize: 8, patchSize: [4, 0], embedDim: 2 }),
      'PatchStem: option "patchSize[1]" must be a positive integer or a [height, width] pair of them, received 0'],
    ['PatchStem unknown', () => new PatchStem({ imageSize: 8, patchSize: 4, embedDim: 2, embed: 3 } as never),
      'PatchStem: unknown option "embed" (received 3); known options: imageSize, patchSize, embedDim, kernelInitializer'],
    ['TemporalProjection seqLen', () => new TemporalProjection({ horizon: 2, seqLen: -3 }), 'TemporalProjection: option "seqLen" must be a positive integer, received -3'],
    ['mixerClassifier epsilon', () => mixerClassifier({ preset: 'mixer_nano', epsilon: 0 }), 'mixerClassifier: option "epsilon" must be a positive number, received 0'],
    ['resMlpClassifier widths', () => resMlpClassifier({ preset: 'resmlp_12', channelMlpDim: 8, channelMlpRatio: 2 }),
      'resMlpClassifier: give "channelMlpDim" or "channelMlpRatio", not both (received channelMlpDim 8 and channelMlpRatio 2)'],
    ['resMlpClassifier patch', () => resMlpClassifier({ preset: 'resmlp_12', patchSize: 15 }), 'resMlpClassifier: option "patchSize" must divide the image size 224×224, received 15×15'],
    ['tsMixerForecaster depth', () => tsMixerForecaster({ seqLen: 8, features: 2, horizon: 2, depth: 0 }), 'tsMixerForecaster: option "depth" must be a positive integer, received 0'],
    ['mixer spec preset', () => specParams({ model: 'mixer', preset: 'resmlp_12' }),
      'mixerClassifier: option "preset" must be one of "mixer_s16", "mixer_b16", "mixer_nano", received "resmlp_12"'],
    ['tsmixer spec preset', () => specParams({ model: 'tsmixer', preset: 'x', seqLen: 4, features: 1, horizon: 1 }),
      'tsMixerForecaster: option "preset" must be left out (this family has no presets), received "x"'],
    ['mixer spec unknown', () => specParams({ model: 'mixer_nano', hidden_dim: 3 }), 'mixerClassifier: unknown option "hidden_dim" (received 3); known options: imageSize, patchSize'],
  ];
  it.each(cases)('%s', (_label, make, message) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });
});

describe('no arguments, or not an object, is a ConfigError naming the option (never a bare TypeError)', () => {
  it('blocks with required options name the first one; the others build from defaults', () => {
    const NoArgs = (Cls: unknown) => () => new (Cls as new () => unknown)();
    expect(NoArgs(PatchStem)).toThrow(ConfigError);
    expect(NoArgs(PatchStem)).toThrow('PatchStem: option "imageSize" must be a positive integer or a [height, width] pair of them, received undefined');
    expect(NoArgs(TemporalProjection)).toThrow('TemporalProjection: option "horizon" must be a positive integer, received undefined');
    for (const Cls of [MixerBlock, ResMlpBlock, TsMixerBlock]) expect(new Cls()).toBeInstanceOf(Cls);
  });

  it.each([null, 5, 'seqLen', [4]])('every block given %j', (args) => {
    for (const Cls of [MixerBlock, ResMlpBlock, TsMixerBlock, PatchStem, TemporalProjection]) {
      const make = () => new (Cls as unknown as new (a: unknown) => unknown)(args);
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(`${Cls.name}: options must be an object, received ${JSON.stringify(args)}`);
    }
  });

  it('builders and createModel without options name the first required option', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => (mixerClassifier as (o?: unknown) => unknown)(), 'mixerClassifier: option "imageSize" must be a positive integer or a [height, width] pair of them, received undefined'],
      [() => (resMlpClassifier as (o?: unknown) => unknown)(), 'resMlpClassifier: option "imageSize"'],
      [() => (tsMixerForecaster as (o?: unknown) => unknown)(), 'tsMixerForecaster: option "seqLen" must be a positive integer, received undefined'],
      [() => createModel('mixer'), 'mixerClassifier: option "imageSize"'],
      [() => createModel('tsmixer', { seqLen: 4, features: 2 }), 'tsMixerForecaster: option "horizon" must be a positive integer, received undefined'],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    }
  });
});

describe('the mixer, resmlp and tsmixer families in core\'s registry', () => {
  it('are registered with description, owner, options, renames, input kind, presets and citation', () => {
    const ours = listFamilies().filter((f) => f.packageName === '@mlp-blocks/mixer');
    expect(ours.map((f) => [f.name, f.owner, f.input, Object.keys(f.presets ?? {})])).toEqual([
      ['mixer', 'mixerClassifier', 'image', ['mixer_s16', 'mixer_b16', 'mixer_nano']],
      ['resmlp', 'resMlpClassifier', 'image', ['resmlp_12', 'resmlp_24']],
      ['tsmixer', 'tsMixerForecaster', 'sequence', []],
    ]);
    expect(getFamily('mixer').options).toBe(MIXER_CLASSIFIER_OPTIONS);
    expect(getFamily('mixer').renames).toEqual(MIXER_CLASSIFIER_RENAMES);
    expect(getFamily('tsmixer').options).toBe(TSMIXER_FORECASTER_OPTIONS);
    expect(getFamily('tsmixer').renames).toEqual(TSMIXER_FORECASTER_RENAMES);
    expect(getFamily('mixer').citation).toMatch(/Tolstikhin.*MLP-Mixer.*2021/);
    expect(getFamily('resmlp').citation).toMatch(/Touvron.*ResMLP.*2021/);
    expect(getFamily('tsmixer').citation).toMatch(/Chen.*TSMixer.*2023/);
    for (const f of ours) expect(f.description.length).toBeGreaterThan(20);
    expect(listModelNames().filter((m) => m.packageName === '@mlp-blocks/mixer' && m.kind === 'preset').map((m) => m.name))
      .toEqual(['mixer_b16', 'mixer_nano', 'mixer_s16', 'resmlp_12', 'resmlp_24']);
    expect(findPreset('mixer-nano')?.family).toBe('mixer');
    // Presets use the new names only.
    for (const f of ours) for (const p of Object.values(f.presets ?? {})) expect(Object.keys(p.options)).not.toContain('hiddenDim');
  });

  it('presets give the published counts in closed form', () => {
    expect(specParams({ model: 'mixer_s16' }).trainable).toBe(18_528_264);
    expect(specParams({ model: 'mixer_b16' }).trainable).toBe(59_880_472);
    expect(specParams({ model: 'mixer_nano' }).trainable).toBe(1_132_170);
    expect(specParams({ model: 'resmlp_12' }).trainable).toBe(15_350_872);
    expect(specParams({ model: 'resmlp', preset: 'resmlp_24' }).trainable).toBe(30_020_680);
  });

  it.each([
    ['mixer_nano', { imageSize: 8, embedDim: 8, depth: 2, numClasses: 3 }],
    ['mixer', { imageSize: [8, 12], patchSize: [4, 3], inputChannels: 2, embedDim: 6, depth: 1, numClasses: 2, tokenMlpRatio: 1, channelMlpDim: 5, layerScale: 0.1 }],
    ['resmlp_24', { imageSize: 8, patchSize: 4, embedDim: 6, depth: 2, numClasses: 3 }],
    ['resmlp', { imageSize: [6, 8], patchSize: [3, 4], inputChannels: 1, embedDim: 4, depth: 1, numClasses: 2, channelMlpRatio: 2 }],
    ['tsmixer', { seqLen: 6, features: 2, horizon: 3, channelMlpDim: 4 }],
    ['tsmixer', { seqLen: 5, features: 3, horizon: 2, depth: 1, norm: 'layer' }],
  ])('specParams(%s %j) equals countParams(createModel(…))', (name, options) => {
    const before = tf.memory().numTensors;
    const model = createModel(name, options);
    expect(countBuilt(model)).toEqual(specParams({ ...options, model: name }));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builders take presets, as createModel does; options next to a preset override it', () => {
    const options = { imageSize: 8, embedDim: 8, depth: 1, numClasses: 3 };
    const a = mixerClassifier({ preset: 'mixer_nano', ...options });
    const b = createModel('mixer_nano', options);
    expect(countBuilt(a)).toEqual(countBuilt(b));
    expect(countBuilt(a)).toEqual(mixerParams({ preset: 'mixer_nano', ...options }));
    expect(a.weights.map((w) => w.originalName)).toEqual(b.weights.map((w) => w.originalName));
    expect(a.weights.map((w) => w.originalName)).toEqual([
      'stem/patch_embed/kernel', 'stem/patch_embed/bias', 'block_1/norm1/gamma', 'block_1/norm1/beta', 'block_1/token_fc1/kernel', 'block_1/token_fc1/bias',
      'block_1/token_fc2/kernel', 'block_1/token_fc2/bias', 'block_1/norm2/gamma', 'block_1/norm2/beta', 'block_1/channel_fc1/kernel',
      'block_1/channel_fc1/bias', 'block_1/channel_fc2/kernel', 'block_1/channel_fc2/bias', 'norm/gamma', 'norm/beta', 'head/kernel', 'head/bias',
    ]);
    // The preset's widths are the ratios of its C: with C 8 and 4 tokens, D_S = 4 and D_C = 32.
    expect(a.weights.find((w) => w.originalName === 'block_1/token_fc1/kernel')!.shape).toEqual([4, 4]);
    expect(a.weights.find((w) => w.originalName === 'block_1/channel_fc1/kernel')!.shape).toEqual([8, 32]);
    a.dispose();
    b.dispose();
    // ResMLP-S24 keeps its depth (24 blocks) and so its LayerScale 1e-5.
    const deep = resMlpClassifier({ preset: 'resmlp_24', imageSize: 16, embedDim: 2, numClasses: 2 });
    expect(deep.layers.filter((l) => l instanceof ResMlpBlock)).toHaveLength(24);
    expect(Array.from(deep.weights.find((w) => w.originalName === 'block_24/ls2/gamma')!.read().dataSync())).toEqual([Math.fround(1e-5), Math.fround(1e-5)]);
    deep.dispose();
  });

  it('an image family\'s model takes [batch, height, width, channels]; the sequence family [batch, seqLen, features]', () => {
    const image = createModel('mixer', { imageSize: [8, 12], patchSize: 4, inputChannels: 2, embedDim: 4, depth: 1, numClasses: 5 });
    const x = tf.zeros([3, 8, 12, 2]);
    const y = image.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 5]);
    const series = createModel('tsmixer', { seqLen: 7, features: 3, horizon: 2, depth: 1 });
    const w = tf.zeros([3, 7, 3]);
    const f = series.predict(w) as tf.Tensor;
    expect(f.shape).toEqual([3, 2, 3]);
    tf.dispose([x, y, w, f]);
    image.dispose();
    series.dispose();
  });
});

describe('the blocks compose core\'s Mlp, built inline under the weight names they had', () => {
  const mlpNames = (block: { ownedLayers: readonly unknown[] }) => block.ownedLayers.filter((l): l is Mlp => l instanceof Mlp).map((m) => m.layerNames);

  it('MixerBlock: token and channel MLPs; ResMlpBlock: channel MLP; TsMixerBlock: feature MLP', () => {
    const mixer = new MixerBlock({ name: 'm', tokenMlpDim: 3, dropout: 0.1 });
    mixer.apply(tf.zeros([1, 5, 4]));
    expect(mlpNames(mixer)).toEqual([['token_fc1', 'token_fc2'], ['channel_fc1', 'channel_fc2']]);
    const [tokenMlp, channelMlp] = mixer.ownedLayers.filter((l): l is Mlp => l instanceof Mlp);
    expect([tokenMlp!.hiddenUnits, tokenMlp!.activation, tokenMlp!.dropout, channelMlp!.hiddenUnits]).toEqual([3, 'gelu', 0.1, 16]);
    expect(mixer.weights.some((w) => w.originalName.includes('mlp'))).toBe(false);

    const resmlp = new ResMlpBlock({ name: 'r' });
    resmlp.apply(tf.zeros([1, 3, 2]));
    expect(mlpNames(resmlp)).toEqual([['channel_fc1', 'channel_fc2']]);

    const ts = new TsMixerBlock({ name: 't', channelMlpDim: 6 });
    ts.apply(tf.zeros([2, 4, 3]));
    expect(mlpNames(ts)).toEqual([['feature_fc1', 'feature_fc2']]);
    expect(ts.weights.map((w) => w.originalName).filter((n) => n.includes('feature'))).toEqual([
      't/feature_fc1/kernel', 't/feature_fc1/bias', 't/feature_fc2/kernel', 't/feature_fc2/bias',
    ]);
  });
});

describe('configs and saved topologies use the new names', () => {
  it('block configs: seqLen learnt at build, the width given (its ratio left out), no old names', () => {
    const mixer = new MixerBlock({ tokenMlpDim: 3 });
    mixer.apply(tf.zeros([1, 6, 8]));
    const config = mixer.getConfig();
    expect(config).toMatchObject({ seqLen: 6, tokenMlpDim: 3, channelMlpRatio: 4 });
    expect(config).not.toHaveProperty('tokenMlpRatio');
    expect(config).not.toHaveProperty('tokens');
    const stem = new PatchStem({ imageSize: [8, 12], patchSize: 4, embedDim: 5 });
    expect(stem.seqLen).toBe(6);
    expect(stem.getConfig()).toMatchObject({ imageSize: [8, 12], patchSize: [4, 4], embedDim: 5, kernelInitializer: 'torchUniform' });
  });

  it('a saved model\'s topology writes seq_len, embed_dim and channel_mlp_dim', async () => {
    for (const model of [
      mixerClassifier({ imageSize: 8, patchSize: 4, embedDim: 4, depth: 1, numClasses: 2 }),
      tsMixerForecaster({ seqLen: 4, features: 2, horizon: 1, depth: 1 }),
    ]) {
      let topology = '';
      await model.save(tf.io.withSaveHandler(async (artifacts) => {
        topology = JSON.stringify(artifacts.modelTopology);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      expect(topology).toContain('"seq_len"');
      expect(topology).toContain('"channel_mlp_dim"');
      for (const old of ['"tokens"', '"hidden_dim"', '"time_steps"', '"ff_dim"', '"input_length"']) expect(topology).not.toContain(old);
      model.dispose();
    }
  });
});
