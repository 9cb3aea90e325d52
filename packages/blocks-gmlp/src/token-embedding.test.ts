import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenEmbedding, gmlpSequenceModel } from './index.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!);

describe.each(['cpu', 'wasm'])('TokenEmbedding on %s', (backend) => {
  it('looks up rows, and its gradient sums the rows of repeated ids (as oneHot(ids)ᵀ · dy)', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const before = tf.memory().numTensors;
    const layer = new TokenEmbedding({ vocabSize: 5, embedDim: 3 });
    const ids = tf.tensor2d([[1, 4, 1], [0, 1, 4]]); // float ids, as a tfjs model feeds them
    (layer.apply(ids) as tf.Tensor).dispose();
    const table = layer.embeddings!.read() as tf.Variable;
    const probe = tf.randomNormal([2, 3, 3], 0, 1, 'float32', 4);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as tf.Tensor, probe)) as tf.Scalar, [table]);
    const [rows, expected] = tf.tidy(() => {
      const oneHot = tf.oneHot(tf.cast(tf.reshape(ids, [-1]), 'int32'), 5); // [6, 5]
      return [
        tf.reshape(tf.matMul(oneHot, table), [2, 3, 3]),
        tf.matMul(tf.transpose(oneHot), tf.reshape(probe, [6, 3])),
      ];
    });
    expect(tf.tidy(() => maxAbs(tf.sub(layer.apply(ids) as tf.Tensor, rows!)))).toBe(0);
    expect(tf.tidy(() => maxAbs(tf.sub(grads[table.name]!, expected!)))).toBeLessThan(1e-6);
    const touched = tf.tidy(() => Array.from(tf.sum(tf.abs(grads[table.name]!), 1).dataSync()).map((v) => v > 0));
    expect(touched).toEqual([true, true, false, false, true]); // only ids 0, 1, 4 occur
    tf.dispose([ids, probe, value, rows!, expected!, ...Object.values(grads)]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a causal sequence model trains (next-token task: loss falls) without leaking tensors', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const model = gmlpSequenceModel({ vocabSize: 7, seqLen: 8, embedDim: 8, channelMlpDim: 16, depth: 2, tinyAttention: true, attentionDim: 4 });
    model.compile({ optimizer: tf.train.adam(0.02), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
    // Sequences count up by one (mod 7) from a random start: the next token is always predictable.
    const starts = Array.from({ length: 16 }, (_, i) => (i * 3) % 7);
    const seqs = starts.map((s) => Array.from({ length: 9 }, (_, i) => (s + i) % 7));
    const x = tf.tensor2d(seqs.map((s) => s.slice(0, 8)));
    const y = tf.tidy(() => tf.oneHot(tf.tensor2d(seqs.map((s) => s.slice(1)), undefined, 'int32'), 7));
    const first = (await model.trainOnBatch(x, y)) as number;
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = (await model.trainOnBatch(x, y)) as number;
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first / 5);
    tf.dispose([x, y]);
    model.dispose();
  });
});

it('round-trips its config and rejects bad options by name', () => {
  const layer = new TokenEmbedding({ vocabSize: 9, embedDim: 2, embeddingsInitializer: { name: 'uniform', limit: 0.1 } });
  const again = new TokenEmbedding(JSON.parse(JSON.stringify(layer.getConfig())));
  expect(again.getConfig()).toEqual(layer.getConfig());
  expect(() => new TokenEmbedding({ vocabSize: 0, embedDim: 2 })).toThrow('TokenEmbedding: option "vocabSize" must be a positive integer, received 0');
  expect(() => new TokenEmbedding({ vocabSize: 3, embedDim: 2, embeddingsInitializer: 'he' as never })).toThrow('TokenEmbedding: option "embeddingsInitializer" must be an initializer name');
});
