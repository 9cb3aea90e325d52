import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, buildFromSpec } from '@mlp-blocks/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIXER_PRESETS, mixerClassifier, resMlpClassifier, resolveMixer, resolveResMlp, tsMixerForecaster } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('presets and overrides', () => {
  it('mixer presets resolve to the published shapes', () => {
    const s16 = resolveMixer({ preset: 'mixer_s16' });
    expect([s16.seqLen, s16.embedDim, s16.tokenMlpDim, s16.channelMlpDim, s16.depth]).toEqual([196, 512, 256, 2048, 8]);
    const nano = resolveMixer({ preset: 'mixer_nano' });
    expect([nano.seqLen, nano.embedDim, nano.tokenMlpDim, nano.channelMlpDim, nano.depth, nano.numClasses]).toEqual([64, 128, 64, 512, 8, 10]);
    expect(Object.keys(MIXER_PRESETS)).toEqual(['mixer_s16', 'mixer_b16', 'mixer_nano']);
  });

  it('options override a preset; a ratio given next to a preset replaces the preset\'s width', () => {
    const r = resolveMixer({ preset: 'mixer_nano', numClasses: 100, imageSize: [32, 64], tokenMlpRatio: 1 });
    expect([r.numClasses, r.seqLen, r.tokenMlpDim, r.channelMlpDim]).toEqual([100, 128, 128, 512]);
  });

  it('ResMLP takes a depth-appropriate LayerScale unless given', () => {
    expect(resolveResMlp({ preset: 'resmlp_12' }).layerScale).toBe(0.1);
    expect(resolveResMlp({ preset: 'resmlp_24' }).layerScale).toBe(1e-5);
    expect(resolveResMlp({ preset: 'resmlp_12', depth: 36 }).layerScale).toBe(1e-6);
    expect(resolveResMlp({ preset: 'resmlp_12', layerScale: 0.5 }).layerScale).toBe(0.5);
  });
});

describe('builder errors name the option and the value', () => {
  it.each([
    [{ preset: 'mixer_l16' }, 'mixerClassifier: option "preset" must be one of "mixer_s16", "mixer_b16", "mixer_nano", received "mixer_l16"'],
    [{ imageSize: 32, patchSize: 4, depth: 2, numClasses: 10 }, 'mixerClassifier: option "embedDim" must be a positive integer, received undefined'],
    [{ preset: 'mixer_nano', patchSize: 5 }, 'mixerClassifier: option "patchSize" must divide the image size 32×32, received 5×5'],
    [{ preset: 'mixer_nano', imageSize: [32, 0] }, 'mixerClassifier: option "imageSize[1]" must be a positive integer or a [height, width] pair of them, received 0'],
    [{ preset: 'mixer_nano', tokenMlpDim: 8, tokenMlpRatio: 2 }, 'mixerClassifier: give "tokenMlpDim" or "tokenMlpRatio", not both'],
    [{ preset: 'mixer_nano', depht: 3 }, 'mixerClassifier: unknown option "depht" (received 3)'],
  ])('%j', (options, message) => {
    expect(() => mixerClassifier(options as never)).toThrow(ConfigError);
    expect(() => mixerClassifier(options as never)).toThrow(message);
  });

  it('resmlp and tsmixer too', () => {
    expect(() => resMlpClassifier({ preset: 'resmlp_12', tokenMlpDim: 3 } as never)).toThrow('resMlpClassifier: unknown option "tokenMlpDim" (received 3)');
    expect(() => tsMixerForecaster({ inputLength: 8, features: 2 } as never)).toThrow('tsMixerForecaster: option "horizon" must be a positive integer, received undefined');
    expect(() => tsMixerForecaster({ inputLength: 8, features: 2, horizon: 2, norm: 'rms' } as never)).toThrow('tsMixerForecaster: option "norm" must be one of "batch", "layer", "none", received "rms"');
  });
});

describe('classifier on images of another size', () => {
  it('predict refuses them with the expected and received token counts (tfjs never sees the bad shape)', () => {
    const model = buildFromSpec({ model: 'mixer', imageSize: [8, 12], patchSize: [4, 3], hiddenDim: 6, depth: 1, numClasses: 3 }) as tfl.LayersModel;
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, 16, 12, 3]);
    expect(() => model.predict(x)).toThrow(ShapeError);
    expect(() => model.predict(x)).toThrow('PatchStem: expected 8 tokens (the model is built for 8×12 images in 4×3 patches), received 16 tokens (a 16×12 image)');
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const ok = tf.zeros([2, 8, 12, 3]);
    const y = model.predict(ok) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    tf.dispose([ok, y]);
    model.dispose();
  });

  it('fit refuses them the same way', async () => {
    const model = resMlpClassifier({ imageSize: 8, patchSize: 4, hiddenDim: 4, depth: 1, numClasses: 2 });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = tf.zeros([2, 12, 12, 3]);
    const y = tf.zeros([2, 2]);
    await expect(model.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow('PatchStem: expected 4 tokens (the model is built for 8×8 images in 4×4 patches), received 9 tokens (a 12×12 image)');
    tf.dispose([x, y]);
    model.dispose();
  });
});
