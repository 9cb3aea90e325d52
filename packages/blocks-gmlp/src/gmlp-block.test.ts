import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, gelu } from '@mlp-blocks/core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { GmlpBlock } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);

describe('GmlpBlock conformance', () => {
  it('gMLP: non-causal, no tiny attention', async () => {
    await checkConformance({ name: 'GmlpBlock', create: () => new GmlpBlock({ channelMlpDim: 12 }), inputShape: [5, 6] });
  });
  it('aMLP: causal, tiny attention, drop path, gate activation', async () => {
    await checkConformance({
      name: 'GmlpBlock aMLP causal',
      create: () => new GmlpBlock({ channelMlpDim: 8, seqLen: 6, causal: true, tinyAttention: true, attentionDim: 4, dropPath: 0.1, gateActivation: 'tanh' }),
      inputShape: [6, 5],
    });
  });
});

describe('GmlpBlock computes x + V · SGU(GELU(U · LN(x)))', () => {
  it('at initialisation the gate is the identity: x + V · Z1 with Z1 the first half of GELU(U · LN(x))', () => {
    const block = new GmlpBlock({ channelMlpDim: 10, biasInitializer: { name: 'uniform', limit: 0.5 } });
    const x = tf.randomNormal([2, 7, 6], 0, 1, 'float32', 5);
    const y = block.apply(x) as tf.Tensor;
    const w = Object.fromEntries(block.weights.map((v) => [v.originalName.split('/').slice(-2).join('/'), v.read()]));
    const expected = tf.tidy(() => {
      const mean = tf.mean(x, -1, true);
      const c = tf.sub(x, mean);
      const ln = tf.div(c, tf.sqrt(tf.add(tf.mean(tf.square(c), -1, true), 1e-6)));
      const z = gelu(tf.add(tf.matMul(tf.reshape(ln, [-1, 6]), w['proj_in/kernel']!), w['proj_in/bias']!));
      const z1 = tf.slice(z, [0, 0], [-1, 5]);
      return tf.add(x, tf.reshape(tf.add(tf.matMul(z1, w['proj_out/kernel']!), w['proj_out/bias']!), [2, 7, 6]));
    });
    expect(maxAbs(tf.sub(y, expected))).toBeLessThan(1e-4);
    expect(maxAbs(tf.sub(y, x))).toBeGreaterThan(0.05); // the branch is not zero
  });

  it('names its weights b/<sublayer>/<weight>: norm, proj_in, attn, sgu, proj_out', () => {
    const block = new GmlpBlock({ name: 'b', channelMlpDim: 8, tinyAttention: true, attentionDim: 3 });
    (block.apply(tf.zeros([1, 4, 6])) as tf.Tensor).dispose();
    expect(block.weights.every((w) => w.originalName.startsWith('b/'))).toBe(true);
    expect(block.weights.map((w) => `${w.originalName.replace(/^b\//, '')} [${w.shape}]`)).toEqual([
      'norm/gamma [6]', 'norm/beta [6]', 'proj_in/kernel [6,8]', 'proj_in/bias [8]',
      'attn/qkv/kernel [6,9]', 'attn/qkv/bias [9]', 'attn/out/kernel [3,4]', 'attn/out/bias [4]',
      'sgu/spatial_kernel [4,4]', 'sgu/spatial_bias [4]', 'sgu/norm/gamma [4]', 'sgu/norm/beta [4]',
      'proj_out/kernel [4,6]', 'proj_out/bias [6]',
    ]);
  });
});

describe('GmlpBlock errors', () => {
  it('an odd channelMlpDim is a ConfigError naming the option and the value', () => {
    expect(() => new GmlpBlock({ channelMlpDim: 7 })).toThrow(ConfigError);
    expect(() => new GmlpBlock({ channelMlpDim: 7 })).toThrow('GmlpBlock: option "channelMlpDim" must be an even positive integer (the spatial gating unit splits it into two halves), received 7');
  });
  it('a token count that does not match the spatial weights names both counts', () => {
    const block = new GmlpBlock({ channelMlpDim: 4, seqLen: 8 });
    expect(() => block.apply(tf.zeros([1, 10, 3]))).toThrow(ShapeError);
    expect(() => block.apply(tf.zeros([1, 10, 3]))).toThrow('GmlpBlock: the input has 10 tokens but the spatial weights cover seqLen = 8');
    block.apply(tf.zeros([1, 8, 3]));
    expect(() => block.apply(tf.zeros([1, 6, 3]))).toThrow('GmlpBlock: the input has 6 tokens but the spatial weights cover seqLen = 8; only a causal unit accepts shorter sequences');
    const causal = new GmlpBlock({ channelMlpDim: 4, seqLen: 8, causal: true, tinyAttention: true, attentionDim: 2 });
    expect((causal.apply(tf.zeros([2, 6, 3])) as tf.Tensor).shape).toEqual([2, 6, 3]);
    expect(() => causal.apply(tf.zeros([1, 9, 3]))).toThrow('GmlpBlock: the input has 9 tokens but the spatial weights cover seqLen = 8; a longer sequence needs a unit built with seqLen ≥ 9');
  });
  it('rejects non-token inputs and bad options', () => {
    expect(() => new GmlpBlock({ channelMlpDim: 4 }).apply(tf.zeros([2, 3]))).toThrow('GmlpBlock: expected tokens [batch, tokens, channels] with known channels, received [2, 3]');
    expect(() => new GmlpBlock({ channelMlpDim: 4 }).build([null, null, 3])).toThrow('GmlpBlock: the token axis of the input is unknown; give the seqLen option');
    expect(() => new GmlpBlock({ channelMlpDim: 4, attentionDim: 0 })).toThrow('GmlpBlock: option "attentionDim" must be a positive integer, received 0');
    expect(() => new GmlpBlock({ channelMlpDim: 4, dropPath: 1 })).toThrow('GmlpBlock: option "dropPath" must be a number in [0, 1), received 1');
    expect(() => new GmlpBlock({ channelMlpDim: 4, gateActivation: 'softmax' as never })).toThrow('GmlpBlock: option "gateActivation" must be one of');
    expect(() => new GmlpBlock({ channelMlpDim: 4, tinyAttn: true } as never)).toThrow('GmlpBlock: unknown option "tinyAttn" (received true)');
  });
});
