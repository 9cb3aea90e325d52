import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, getBlockClass } from '@mlp-blocks/core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResMlpBlock, resMlpLayerScale } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (b: ResMlpBlock, suffix: string) => Array.from(b.weights.find((w) => w.originalName.endsWith(suffix))!.read().dataSync());

describe('ResMlpBlock conformance', () => {
  it('defaults (channel MLP 4·C, LayerScale 0.1)', async () => {
    await checkConformance({ name: 'ResMlpBlock', create: () => new ResMlpBlock(), inputShape: [6, 4] });
  });
  it('explicit width, DropPath and dropout', async () => {
    await checkConformance({ name: 'ResMlpBlock with extras', create: () => new ResMlpBlock({ channelMlpDim: 5, dropPath: 0.1, dropout: 0.1, layerScale: 1e-5 }), inputShape: [3, 6] });
  });
});

describe('ResMlpBlock structure and initialisation', () => {
  it('affine norms start at α = 1, β = 0; LayerScale at its init; token mixing is one n × n linear', () => {
    const block = new ResMlpBlock({ name: 'r', layerScale: 1e-5 });
    block.apply(tf.zeros([1, 7, 4]));
    expect(Object.fromEntries(block.weights.map((w) => [w.originalName, w.shape]))).toEqual({
      'r/norm1/alpha': [4], 'r/norm1/beta': [4], 'r/token_fc/kernel': [7, 7], 'r/token_fc/bias': [7], 'r/ls1/gamma': [4],
      'r/norm2/alpha': [4], 'r/norm2/beta': [4], 'r/channel_fc1/kernel': [4, 16], 'r/channel_fc1/bias': [16],
      'r/channel_fc2/kernel': [16, 4], 'r/channel_fc2/bias': [4], 'r/ls2/gamma': [4],
    });
    expect(values(block, 'norm1/alpha')).toEqual([1, 1, 1, 1]);
    expect(values(block, 'norm2/beta')).toEqual([0, 0, 0, 0]);
    expect(values(block, 'ls2/gamma')).toEqual(Array(4).fill(Math.fround(1e-5)));
  });

  it('a small LayerScale keeps the block close to the identity at init (the point of the small init)', () => {
    const x = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 1);
    const dev = (init: number) => tf.tidy(() => tf.max(tf.abs(tf.sub(new ResMlpBlock({ layerScale: init }).apply(x) as tf.Tensor, x))).dataSync()[0]!);
    expect(dev(1e-5)).toBeLessThan(1e-3);
    expect(dev(0.1)).toBeGreaterThan(1e-2);
    x.dispose();
  });

  it('resMlpLayerScale follows the ResMLP / CaiT depths: 0.1 to 18, 1e-5 to 24, 1e-6 beyond', () => {
    expect([12, 18, 19, 24, 25, 36].map(resMlpLayerScale)).toEqual([0.1, 0.1, 1e-5, 1e-5, 1e-6, 1e-6]);
    expect(() => resMlpLayerScale(0)).toThrow('resMlpLayerScale: option "depth" must be a positive integer, received 0');
  });

  it('another token count is refused with both counts named; bad options name the option', () => {
    const block = new ResMlpBlock();
    block.apply(tf.zeros([1, 4, 3]));
    expect(() => block.apply(tf.zeros([1, 5, 3]))).toThrow('ResMlpBlock: expected 4 tokens, received 5 tokens');
    expect(() => new ResMlpBlock({ layerScale: 0 })).toThrow(ConfigError);
    expect(() => new ResMlpBlock({ layerScale: 0 })).toThrow('ResMlpBlock: option "layerScale" must be a positive number, received 0');
    expect(() => new ResMlpBlock({ tokenMlpDim: 3 } as never)).toThrow('ResMlpBlock: unknown option "tokenMlpDim" (received 3)');
    expect(getBlockClass('ResMlpBlock')).toBe(ResMlpBlock);
  });
});
