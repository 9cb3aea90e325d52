import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GmlpBlock, gmlpClassifier, gmlpSequenceModel } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gmlpClassifier', () => {
  const options = { imageSize: 8, patchSize: 2, inputChannels: 1, numClasses: 3, embedDim: 8, channelMlpDim: 12, depth: 2 };

  it('stem ▶ blocks ▶ norm ▶ pool ▶ head, one seqLen for every block (tokens of the patch grid)', () => {
    const model = gmlpClassifier({ ...options, imageSize: [8, 12], patchSize: [2, 4] });
    expect(model.layers.map((l) => l.name)).toEqual(['stem', 'block_1', 'block_2', 'norm', 'pool', 'head']);
    expect((model.getLayer('block_2') as GmlpBlock).seqLen).toBe(4 * 3);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    model.dispose();
  });

  it('learns a tiny image task (which half of the image is bright) without leaking tensors', async () => {
    const model = gmlpClassifier({ ...options, numClasses: 2, tinyAttention: true, attentionDim: 4 });
    model.compile({ optimizer: tf.train.adam(0.01), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
    const { x, y } = tf.tidy(() => {
      const labels = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 2), 'int32');
      const top = tf.concat([tf.ones([32, 4, 8, 1]), tf.zeros([32, 4, 8, 1])], 1);
      const side = tf.where(tf.reshape(tf.cast(labels, 'bool'), [32, 1, 1, 1]), top, tf.reverse(top, 1));
      return { x: tf.add(side, tf.randomNormal([32, 8, 8, 1], 0, 0.3, 'float32', 1)), y: tf.oneHot(labels, 2) };
    });
    const first = (await model.trainOnBatch(x, y)) as number;
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 25; i++) last = (await model.trainOnBatch(x, y)) as number;
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first / 4);
    const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.argMax(y, 1)), 'float32')).dataSync()[0]!);
    expect(accuracy).toBe(1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options by name', () => {
    expect(() => gmlpClassifier({ ...options, channelMlpDim: 9 })).toThrow(ConfigError);
    expect(() => gmlpClassifier({ ...options, channelMlpDim: 9 })).toThrow('gmlpClassifier: option "channelMlpDim" must be an even positive integer (the spatial gating unit splits it into two halves), received 9');
    expect(() => gmlpClassifier({ ...options, imageSize: 9, patchSize: 2 })).toThrow('gmlpClassifier: image height 9 is not divisible by patch height 2 (imageSize 9, patchSize 2)');
    expect(() => gmlpClassifier({ ...options, imageSize: [8, 10], patchSize: [2, 4] })).toThrow('gmlpClassifier: image width 10 is not divisible by patch width 4 (imageSize [8,10], patchSize [2,4])');
    expect(() => gmlpClassifier({ ...options, numClasses: undefined as never })).toThrow('gmlpClassifier: option "numClasses" must be a positive integer, received undefined');
    expect(() => gmlpClassifier({ ...options, causal: true } as never)).toThrow('gmlpClassifier: unknown option "causal" (received true)');
  });
});

describe('gmlpSequenceModel', () => {
  const options = { vocabSize: 20, seqLen: 8, embedDim: 6, channelMlpDim: 8, depth: 2 };

  it('causal by default: any length up to seqLen, per-token outputs', () => {
    const model = gmlpSequenceModel(options);
    expect(model.layers.map((l) => l.name)).toEqual(['embed', 'block_1', 'block_2', 'norm', 'head']);
    expect((model.getLayer('block_1') as GmlpBlock).causal).toBe(true);
    expect(model.inputs[0]!.shape).toEqual([null, null]);
    const y = model.predict(tf.tensor2d([[1, 2, 3]])) as tf.Tensor;
    expect(y.shape).toEqual([1, 3, 20]);
    expect(() => model.predict(tf.zeros([1, 9]))).toThrow('GmlpBlock: the input has 9 tokens but the spatial weights cover seqLen = 8');
    y.dispose();
    model.dispose();
  });

  it('non-causal: exactly seqLen tokens, outputDim per token', () => {
    const model = gmlpSequenceModel({ ...options, causal: false, outputDim: 2 });
    expect(model.inputs[0]!.shape).toEqual([null, 8]);
    expect(model.outputs[0]!.shape).toEqual([null, 8, 2]);
    model.dispose();
  });

  it('rejects bad options by name', () => {
    expect(() => gmlpSequenceModel({ ...options, seqLen: 0 })).toThrow('gmlpSequenceModel: option "seqLen" must be a positive integer, received 0');
    expect(() => gmlpSequenceModel({ ...options, channelMlpDim: 3 })).toThrow('gmlpSequenceModel: option "channelMlpDim" must be an even positive integer');
    expect(() => gmlpSequenceModel({ ...options, causal: 1 as never })).toThrow('gmlpSequenceModel: option "causal" must be true or false, received 1');
  });
});
