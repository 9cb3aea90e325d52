import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { getBlockClass } from '@mlp-blocks/core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TemporalProjection, TsMixerBlock } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TsMixerBlock conformance', () => {
  it('authors\' defaults: batch norm over the window, ReLU, dropout 0.05', async () => {
    await checkConformance({ name: 'TsMixerBlock batch', create: () => new TsMixerBlock({ ffDim: 8 }), inputShape: [10, 3], batchSize: 6 });
  });
  it('layer norm, GELU, no dropout', async () => {
    await checkConformance({ name: 'TsMixerBlock layer', create: () => new TsMixerBlock({ ffDim: 5, norm: 'layer', activation: 'gelu', dropout: 0 }), inputShape: [7, 4] });
  });
  it('no norm', async () => {
    await checkConformance({ name: 'TsMixerBlock none', create: () => new TsMixerBlock({ ffDim: 5, norm: 'none', dropout: 0 }), inputShape: [7, 2] });
  });
});

describe('TsMixerBlock', () => {
  it('norm parameters cover the whole [time, features] window; time mixing is T × T, feature mixing C → ffDim → C', () => {
    const block = new TsMixerBlock({ name: 't', ffDim: 6 });
    block.apply(tf.zeros([2, 5, 3]));
    expect(Object.fromEntries(block.weights.map((w) => [w.originalName, w.shape]))).toEqual({
      't/norm1/running_mean': [15], 't/norm1/running_var': [15], 't/norm1/gamma': [15], 't/norm1/beta': [15],
      't/time_fc/kernel': [5, 5], 't/time_fc/bias': [5],
      't/norm2/running_mean': [15], 't/norm2/running_var': [15], 't/norm2/gamma': [15], 't/norm2/beta': [15],
      't/feature_fc1/kernel': [3, 6], 't/feature_fc1/bias': [6], 't/feature_fc2/kernel': [6, 3], 't/feature_fc2/bias': [3],
    });
    expect(block.paramCounts()).toEqual({ trainable: 4 * 15 + 30 + 24 + 21, nonTrainable: 4 * 15, total: 8 * 15 + 30 + 24 + 21 });
  });

  it('another input length is refused with both counts named, before any op', () => {
    const block = new TsMixerBlock({ timeSteps: 8 });
    expect(() => block.apply(tf.zeros([2, 6, 3]))).toThrow('TsMixerBlock: expected 8 time steps, received 6 time steps (input shape [2, 6, 3]); the time-mixing weights are built for 8');
    expect(() => new TsMixerBlock({ norm: 'group' as never })).toThrow('TsMixerBlock: option "norm" must be one of "batch", "layer", "none", received "group"');
    expect(getBlockClass('TsMixerBlock')).toBe(TsMixerBlock);
  });
});

describe('TemporalProjection (the forecast head)', () => {
  it('passes conformance and maps [batch, T, C] to [batch, H, C] with one T → H map shared by the features', async () => {
    await checkConformance({ name: 'TemporalProjection', create: () => new TemporalProjection({ horizon: 3 }), inputShape: [6, 2] });
    const head = new TemporalProjection({ horizon: 2 });
    head.apply(tf.zeros([1, 3, 2]));
    head.setWeights([tf.tensor2d([[1, 0], [0, 1], [1, 1]]), tf.tensor1d([10, 20])]); // out_0 = x_0 + x_2, out_1 = x_1 + x_2
    const y = head.apply(tf.tensor3d([[[1, 100], [2, 200], [3, 300]]])) as tf.Tensor;
    expect(y.arraySync()).toEqual([[[14, 410], [25, 520]]]);
    expect(() => head.apply(tf.zeros([1, 4, 2]))).toThrow('TemporalProjection: expected 3 time steps, received 4 time steps');
    expect(() => new TemporalProjection({ horizon: 0 })).toThrow('TemporalProjection: option "horizon" must be a positive integer, received 0');
  });
});
