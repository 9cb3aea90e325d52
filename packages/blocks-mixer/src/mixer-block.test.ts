import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError, buildFromSpec, getBlockClass } from '@mlp-blocks/core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixerBlock } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shapes = (b: MixerBlock) => Object.fromEntries(b.weights.map((w) => [w.originalName.split('/').slice(1).join('/'), w.shape]));

describe('MixerBlock conformance', () => {
  it('default ratios (D_S = 0.5·C, D_C = 4·C), tokens inferred', async () => {
    await checkConformance({ name: 'MixerBlock', create: () => new MixerBlock(), inputShape: [6, 8] });
  });
  it('explicit widths, LayerScale, DropPath and dropout', async () => {
    await checkConformance({
      name: 'MixerBlock with extras',
      create: () => new MixerBlock({ tokens: 5, tokenMlpDim: 3, channelMlpDim: 7, layerScale: 0.1, dropPath: 0.1, dropout: 0.1 }),
      inputShape: [5, 4],
    });
  });
});

describe('MixerBlock weights', () => {
  it('ratios are multiples of the channel count C (timm), widths are taken as given', () => {
    const a = new MixerBlock({ name: 'a' });
    a.apply(tf.zeros([1, 6, 8]));
    expect(shapes(a)).toEqual({
      'norm1/gamma': [8], 'norm1/beta': [8], 'token_fc1/kernel': [6, 4], 'token_fc1/bias': [4], 'token_fc2/kernel': [4, 6],
      'token_fc2/bias': [6], 'norm2/gamma': [8], 'norm2/beta': [8], 'channel_fc1/kernel': [8, 32], 'channel_fc1/bias': [32],
      'channel_fc2/kernel': [32, 8], 'channel_fc2/bias': [8],
    });
    const b = new MixerBlock({ name: 'b', tokenMlpDim: 3, channelMlpRatio: 1.5, layerScale: 1e-4 });
    b.apply(tf.zeros([1, 6, 8]));
    expect(shapes(b)['token_fc1/kernel']).toEqual([6, 3]);
    expect(shapes(b)['channel_fc1/kernel']).toEqual([8, 12]);
    expect(Array.from(b.weights.find((w) => w.originalName.endsWith('ls1/gamma'))!.read().dataSync())).toEqual(Array(8).fill(Math.fround(1e-4)));
  });

  it('with every weight zero the block is the identity (two residual paths)', () => {
    const block = new MixerBlock({ kernelInitializer: 'zeros' });
    const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 3);
    const y = block.apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });

  it('one changed value (token 0, channel 0) reaches every token and every channel of the output', () => {
    const block = new MixerBlock();
    const x = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 4);
    const bump = tf.buffer([1, 4, 6]);
    bump.set(1, 0, 0, 0);
    const d = tf.tidy(() => tf.abs(tf.sub(block.apply(tf.add(x, bump.toTensor())) as tf.Tensor, block.apply(x) as tf.Tensor)));
    expect(Array.from(tf.tidy(() => tf.min(tf.max(d, 2), 1)).dataSync())[0]).toBeGreaterThan(1e-4); // every token moved
    expect(Array.from(tf.tidy(() => tf.min(tf.max(d, 1), 1)).dataSync())[0]).toBeGreaterThan(1e-4); // every channel moved
    tf.dispose([x, d]);
  });

  it('dropout acts in training only', () => {
    const block = new MixerBlock({ dropout: 0.5 });
    const x = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 5);
    const e1 = block.apply(x) as tf.Tensor;
    const e2 = block.apply(x, { training: false }) as tf.Tensor;
    const t = block.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(e2.dataSync())).toEqual(Array.from(e1.dataSync()));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(t, e1))).dataSync()[0]!)).toBeGreaterThan(1e-3);
    tf.dispose([x, e1, e2, t]);
  });
});

describe('MixerBlock errors', () => {
  it('another token count fails before any tfjs op, naming expected and received counts', () => {
    const block = new MixerBlock();
    block.apply(tf.zeros([2, 6, 8]));
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, 9, 8]);
    expect(() => block.apply(x)).toThrow(ShapeError);
    expect(() => block.apply(x)).toThrow('MixerBlock: expected 6 tokens, received 9 tokens (input shape [2, 9, 8]); the token-mixing weights are built for 6');
    expect(() => new MixerBlock({ tokens: 4 }).apply(x)).toThrow('expected 4 tokens, received 9 tokens');
    // Symbolically too, when a functional model is wired.
    expect(() => new MixerBlock({ tokens: 4 }).apply(tfl.input({ shape: [9, 8] }))).toThrow('MixerBlock: expected 4 tokens, received 9 tokens (input shape [null, 9, 8])');
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [{ tokenMlpDim: 4, tokenMlpRatio: 0.5 }, 'MixerBlock: give "tokenMlpDim" or "tokenMlpRatio", not both (received tokenMlpDim 4 and tokenMlpRatio 0.5)'],
    [{ channelMlpDim: 0 }, 'MixerBlock: option "channelMlpDim" must be a positive integer, received 0'],
    [{ tokenMlpRatio: -1 }, 'MixerBlock: option "tokenMlpRatio" must be a positive number, received -1'],
    [{ dropPath: 1 }, 'MixerBlock: option "dropPath" must be a number in [0, 1), received 1'],
    [{ activation: 'swish' }, 'MixerBlock: option "activation" must be one of'],
    [{ tokenMlpRaito: 2 }, 'MixerBlock: unknown option "tokenMlpRaito" (received 2)'],
  ])('%j', (options, message) => {
    expect(() => new MixerBlock(options as never)).toThrow(ConfigError);
    expect(() => new MixerBlock(options as never)).toThrow(message);
  });

  it('a ratio giving no hidden units, and a rank-2 input, are refused at build', () => {
    expect(() => new MixerBlock({ tokenMlpRatio: 0.1 }).apply(tf.zeros([1, 3, 4]))).toThrow('MixerBlock: option "tokenMlpRatio" must be large enough that tokenMlpRatio · 4 channels ≥ 1, received 0.1');
    expect(() => new MixerBlock().apply(tf.zeros([3, 4]))).toThrow('MixerBlock: expected an input [batch, tokens, channels], received shape [3, 4]');
  });

  it('is in the block registry: {"block": "MixerBlock"} specs build it', () => {
    expect(getBlockClass('MixerBlock')).toBe(MixerBlock);
    const block = buildFromSpec({ block: 'MixerBlock', tokenMlpDim: 2 }) as MixerBlock;
    expect(block).toBeInstanceOf(MixerBlock);
    expect(block.tokenMlpDim).toBe(2);
  });
});
