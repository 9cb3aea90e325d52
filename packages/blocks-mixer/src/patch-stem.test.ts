import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@mlp-blocks/core';
import { checkConformance } from '@mlp-blocks/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { PatchStem } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('PatchStem', () => {
  it('passes conformance on non-square images and patches', async () => {
    await checkConformance({ name: 'PatchStem', create: () => new PatchStem({ imageSize: [8, 12], patchSize: [4, 3], embedDim: 5 }), inputShape: [8, 12, 2] });
    expect(new PatchStem({ imageSize: [8, 12], patchSize: [4, 3], embedDim: 5 }).tokens).toBe(8);
  });

  it('an image of another size fails with the expected and received token counts, before any tfjs op', () => {
    const stem = new PatchStem({ imageSize: 32, patchSize: 4, embedDim: 6 });
    stem.apply(tf.zeros([1, 32, 32, 3])); // build
    const before = tf.memory().numTensors;
    const big = tf.zeros([1, 64, 48, 3]);
    expect(() => stem.apply(big)).toThrow(ShapeError);
    expect(() => stem.apply(big)).toThrow('PatchStem: expected 64 tokens (the model is built for 32×32 images in 4×4 patches), received 192 tokens (a 64×48 image); resize the images to 32×32 or build the model for this size');
    const odd = tf.zeros([1, 30, 30, 3]);
    expect(() => stem.apply(odd)).toThrow('PatchStem: expected 64 tokens (the model is built for 32×32 images in 4×4 patches), received a 30×30 image, which does not split into 4×4 patches');
    // Same token count, other arrangement: still refused (token mixing is tied to the patch grid).
    const flat = tf.zeros([1, 16, 64, 3]);
    expect(() => stem.apply(flat)).toThrow('received 64 tokens (a 16×64 image)');
    tf.dispose([big, odd, flat]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('patches that do not divide the image are a ConfigError', () => {
    expect(() => new PatchStem({ imageSize: [32, 30], patchSize: 4, embedDim: 6 })).toThrow(ConfigError);
    expect(() => new PatchStem({ imageSize: [32, 30], patchSize: 4, embedDim: 6 })).toThrow('PatchStem: option "patchSize" must divide the image size 32×30, received 4×4');
  });
});
