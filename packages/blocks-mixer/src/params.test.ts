import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildFromSpec, countParams as countBuilt, getModelBuilder } from '@mlp-blocks/core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type MixerClassifierOptions, type ResMlpClassifierOptions, type TsMixerForecasterOptions, countParams, mixerClassifier, mixerParams,
  resMlpClassifier, resMlpParams, tsMixerForecaster, tsMixerParams,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface TorchCount { label: string; config: Record<string, unknown>; trainable: number; buffers: number; published: number | null }
/** Counts of the PyTorch reference modules (fixtures/make_fixtures.py, built on the meta device). */
const torch = (JSON.parse(readFileSync(new URL('../fixtures/param_counts.json', import.meta.url), 'utf8')) as { networks: TorchCount[] }).networks;
const torchCount = (label: string) => torch.find((n) => n.label === label)!;
const spec = (model: string, rest: Record<string, unknown>) => getModelBuilder(model).countParams!({ model, ...rest });

describe('published parameter counts, closed form through core\'s registry (no weights allocated)', () => {
  it.each([
    ['mixer_s16', 18.5e6],
    ['mixer_b16', 59.9e6],
  ])('{"model":"mixer","preset":"%s"} is within 1%% of %d', (preset, published) => {
    const counts = spec('mixer', { preset });
    expect(Math.abs(counts.trainable / published - 1)).toBeLessThan(0.01);
    expect(counts).toEqual({ trainable: torchCount(preset).trainable, nonTrainable: 0, total: torchCount(preset).trainable });
  });

  it('ResMLP-S12 / S24 (15.35M, 30M) match the PyTorch reference exactly', () => {
    expect(spec('resmlp', { preset: 'resmlp_12' }).trainable).toBe(torchCount('resmlp_12').trainable);
    expect(spec('resmlp', { preset: 'resmlp_24' }).trainable).toBe(torchCount('resmlp_24').trainable);
    expect(Math.abs(torchCount('resmlp_12').trainable / 15.35e6 - 1)).toBeLessThan(0.01);
    expect(Math.abs(torchCount('resmlp_24').trainable / 30e6 - 1)).toBeLessThan(0.01);
  });

  it('mixer_nano as specified (C 128, D_S 64, D_C 512, 8 layers) has 1,132,170; the quoted 0.67M is that net with D_S and D_C swapped', () => {
    const nano = spec('mixer', { preset: 'mixer_nano' });
    expect(nano.trainable).toBe(1_132_170);
    expect(nano.trainable).toBe(torchCount('mixer_nano').trainable);
    // omihub777/MLP-Mixer-CIFAR's README figure comes from a summary of hidden_s=512, hidden_c=64:
    const swapped = spec('mixer', { preset: 'mixer_nano', tokenMlpDim: 512, channelMlpDim: 64 });
    expect(swapped.trainable).toBe(torchCount('mixer_nano_readme_count').trainable);
    expect(Math.abs(swapped.trainable / 0.67e6 - 1)).toBeLessThan(0.01);
  });

  it('TSMixer with the authors\' ETTm2 settings matches the PyTorch reference (batch-norm statistics non-trainable)', () => {
    for (const norm of ['batch', 'layer'] as const) {
      const ref = torchCount(`tsmixer_ettm2_${norm}`);
      expect(spec('tsmixer', { ...ref.config })).toEqual({ trainable: ref.trainable, nonTrainable: ref.buffers, total: ref.trainable + ref.buffers });
    }
  });

  it('the package\'s countParams takes the same specs as JSON text', () => {
    expect(countParams('{"model":"mixer","preset":"mixer_s16"}')).toEqual(spec('mixer', { preset: 'mixer_s16' }));
    // Deprecated: it is core's specParams now, so it names every registered family (the hourglass package is not imported here).
    expect(() => countParams({ model: 'hourglass' })).toThrow(/Unknown model "hourglass"\. Registered: mixer, mixer_b16, mixer_nano, mixer_s16, resmlp, resmlp_12, resmlp_24, tsmixer/);
  });
});

describe('closed form equals the built model', () => {
  const mixers: MixerClassifierOptions[] = [
    { preset: 'mixer_nano' },
    { imageSize: [8, 12], patchSize: [4, 3], hiddenDim: 6, depth: 2, numClasses: 5, layerScale: 0.1 },
    { imageSize: 16, patchSize: 8, inputChannels: 1, hiddenDim: 10, depth: 1, numClasses: 3, tokenMlpRatio: 1, channelMlpRatio: 2 },
  ];
  it.each(mixers)('mixer %j', (options) => {
    const model = mixerClassifier(options);
    expect(countBuilt(model)).toEqual(mixerParams(options));
    model.dispose();
  });
  const resmlps: ResMlpClassifierOptions[] = [
    { imageSize: [6, 8], patchSize: [3, 4], inputChannels: 2, hiddenDim: 6, depth: 2, numClasses: 4 },
    { imageSize: 12, patchSize: 4, hiddenDim: 8, depth: 3, numClasses: 2, channelMlpRatio: 3 },
  ];
  it.each(resmlps)('resmlp %j', (options) => {
    const model = resMlpClassifier(options);
    expect(countBuilt(model)).toEqual(resMlpParams(options));
    model.dispose();
  });
  const forecasters: TsMixerForecasterOptions[] = [
    { inputLength: 12, features: 3, horizon: 4 },
    { inputLength: 9, features: 2, horizon: 9, depth: 3, ffDim: 5, norm: 'layer' },
    { inputLength: 5, features: 4, horizon: 1, depth: 1, norm: 'none' },
  ];
  it.each(forecasters)('tsmixer %j', (options) => {
    const model = tsMixerForecaster(options);
    expect(countBuilt(model)).toEqual(tsMixerParams(options));
    model.dispose();
  });

  it('{"model":"mixer","preset":"mixer_nano"} builds through buildFromSpec: 32×32×3 images → 10 logits, all zero at init', () => {
    const model = buildFromSpec('{"model":"mixer","preset":"mixer_nano"}') as tfl.LayersModel;
    expect(countBuilt(model).trainable).toBe(1_132_170);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 10]);
    expect(Array.from(y.dataSync())).toEqual(Array(20).fill(0)); // zero-initialised head
    tf.dispose([x, y]);
    model.dispose();
  });
});
