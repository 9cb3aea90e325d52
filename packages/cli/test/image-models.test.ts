import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/gmlp';
import '@mlp-blocks/mixer';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayData } from '@mlp-blocks/train';
import { buildSeeded, fillSpec, syntheticTask, type TaskSplits, trialParams as specParams } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Splits of flattened CHW colour images (what loadSplits serves for CIFAR), 4 examples, 5 classes. */
function colourSplits(): Pick<TaskSplits, 'train' | 'imageShape' | 'layout'> & { dispose(): void } {
  const x = tf.randomUniform([4, 3 * 8 * 8], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 4], 'int32'), 5));
  const train = arrayData(x, y);
  return { train, imageShape: [8, 8, 3], layout: 'chw', dispose: () => { train.dispose(); tf.dispose([x, y]); } };
}

describe('image models (gMLP, Mixer, ResMLP) on the flat data sets', () => {
  it('fillSpec takes image size, channels and classes from the data, and keeps what the spec set', () => {
    const s = colourSplits();
    expect(fillSpec({ model: 'mixer', preset: 'mixer_nano' }, s, 'classify')).toEqual({
      model: 'mixer', preset: 'mixer_nano', inputDim: 192, inputLayout: 'chw', imageSize: [8, 8], inputChannels: 3, numClasses: 5,
    });
    expect(fillSpec({ model: 'gmlp', patchSize: 4, depth: 1, embedDim: 8, channelMlpDim: 16, numClasses: 7 }, s, 'classify')).toMatchObject({
      imageSize: [8, 8], inputChannels: 3, numClasses: 7, inputDim: 192,
    });
    // An old option name counts as given: the filled spec does not add the new one beside it.
    const old = fillSpec({ model: 'gmlp', patchSize: 4, depth: 1, dModel: 8, dFfn: 16, channels: 3 }, s, 'classify');
    expect(old).toMatchObject({ channels: 3 });
    expect(old).not.toHaveProperty('inputChannels');
    s.dispose();
  });

  it('refuses image models for the reconstruction tasks and names --model', () => {
    const denoise = syntheticTask('denoise');
    expect(() => fillSpec({ model: 'gmlp', preset: 'gmlp_mnist' }, denoise, 'denoise')).toThrow(/--model: gmlp is an image classifier; --task denoise needs a flat model/);
    denoise.dispose?.();
  });

  it('the adapter turns flat CHW vectors into the channel-last images the model would take directly', () => {
    const before = tf.memory().numTensors;
    const s = colourSplits();
    const spec = fillSpec({ model: 'mixer', patchSize: 4, embedDim: 8, tokenMlpDim: 4, channelMlpDim: 16, depth: 1 }, s, 'classify');
    const wrapped = buildSeeded(spec, 3);
    const { inputDim: _d, inputLayout: _l, ...plainSpec } = spec;
    const plain = buildSeeded(plainSpec as typeof spec, 3);
    // Same seed, same weights: the only difference is the input adapter.
    expect(wrapped.countParams()).toBe(plain.countParams());
    expect(specParams(spec).trainable).toBe(plain.countParams());
    const x = tf.randomUniform([2, 192], 0, 1, 'float32', 2);
    const images = tf.tidy(() => tf.transpose(tf.reshape(x, [2, 3, 8, 8]), [0, 2, 3, 1]));
    const a = wrapped.predict(x) as tf.Tensor;
    const b = plain.predict(images) as tf.Tensor;
    expect(a.shape).toEqual([2, 5]);
    const [av, bv] = [a.dataSync(), b.dataSync()];
    av.forEach((v, i) => expect(v).toBeCloseTo(bv[i]!, 5));
    tf.dispose([x, images, a, b]);
    wrapped.dispose();
    plain.dispose();
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a gMLP built from a filled spec maps the synthetic set\'s flat images to logits shaped like its labels', () => {
    const s = syntheticTask('classify');
    const spec = fillSpec({ model: 'gmlp', patchSize: 4, depth: 1, embedDim: 8, channelMlpDim: 16 }, s, 'classify');
    const model = buildSeeded(spec, 0);
    const { x, y } = s.train.batch([0, 1, 2], 0);
    const out = model.predict(x) as tf.Tensor;
    expect(out.shape).toEqual(y.shape);
    tf.dispose([x, y, out]);
    model.dispose();
    s.dispose?.();
  });
});

describe('flat models are untouched by the image adapter', () => {
  it('an hourglass spec keeps inputDim/outputDim and builds a flat network', () => {
    const s = syntheticTask('denoise');
    const spec = fillSpec({ model: 'hourglass', width: 16, bottleneck: 4, depth: 1, lift: 'fixed' }, s, 'denoise');
    expect(spec).toMatchObject({ inputDim: 64, outputDim: 64 });
    const model = buildSeeded(spec, 0);
    expect(model.inputs[0]!.shape).toEqual([null, 64]);
    expect(specParams(spec).trainable).toBe(model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a: number, d) => a * (d ?? 0), 1), 0));
    model.dispose();
    s.dispose?.();
  });
});
