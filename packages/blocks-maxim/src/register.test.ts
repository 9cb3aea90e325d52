// The "maxim" family descriptor: registered with its options, presets and closed-form count, so core's
// buildModel / specParams (and every tool on the registry, the CLI included) take MAXIM by name.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, buildModel, countParams, getFamily, inputKindOf, listModelNames, resolveSpec, specParams } from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAXIM_OPTIONS, PRESETS, maximParams } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const small = { model: 'maxim', imageSize: [10, 14], inputChannels: 2, inputDim: 280, outputDim: 280, features: 4, depth: 2, blockSizeHr: 2, gridSizeHr: [3, 2], blockSizeLr: 2 };

describe('the maxim family', () => {
  it('is registered as a flat family with its options, presets and citation', () => {
    const family = getFamily('maxim');
    expect(family.packageName).toBe('@mlp-blocks/maxim');
    expect(family.options).toBe(MAXIM_OPTIONS);
    expect(inputKindOf(resolveSpec(small))).toBe('flat');
    expect(family.citation).toMatch(/MAXIM: Multi-Axis MLP for Image Processing\. CVPR 2022/);
    const names = listModelNames().filter((n) => n.family === 'maxim').map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(['maxim', ...Object.keys(PRESETS)]));
  });

  it("counts the authors' MAXIM-1S/2S/3S exactly as their published parameter counts, without building", () => {
    // google-research/maxim, maxim/models/maxim.py, comments of Model(): S-1 6.108515 M, S-2 13.35383 M, S-3 20.599145 M.
    expect(specParams({ model: 'maxim_s1' }).trainable).toBe(6_108_515);
    expect(specParams({ model: 'maxim_s2' }).trainable).toBe(13_353_830);
    expect(specParams({ model: 'maxim_s3' }).trainable).toBe(20_599_145);
    // The M variants (features 64) of the same file: 19.361219 M, 40.83911 M, 62.317001 M.
    for (const [numStages, published] of [[1, 19_361_219], [2, 40_839_110], [3, 62_317_001]] as const) {
      expect(specParams({ model: 'maxim_s1', features: 64, numStages }).trainable).toBe(published);
    }
  });

  it.each([
    ['the small fixture UNet', small],
    ['three scales, two groups, two bottleneck blocks, no bias', { ...small, imageSize: [16, 12], inputDim: 384, outputDim: 384, depth: 3, numGroups: 2, numBottleneckBlocks: 2, useBias: false }],
    ['without cross gating nor global MLP, other factors', { ...small, useCrossGating: false, useGlobalMlp: false, inputProjFactor: 3, blockGmlpFactor: 1, gridGmlpFactor: 4, reduction: 2 }],
    ['the MNIST preset', { model: 'maxim_mnist', inputDim: 784, outputDim: 784 }],
  ])('closed-form count equals the built model: %s', (_, spec) => {
    const model = buildModel(spec as { model: string });
    expect(specParams(spec as { model: string })).toEqual(countParams(model));
    model.dispose();
  });

  it('reshapes flat vectors to images and back, with a sigmoid output by default', () => {
    const model = buildModel(small);
    const x = tf.randomUniform([3, 280], 0, 1, 'float32', 5);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 280]);
    const [lo, hi] = [tf.min(y).dataSync()[0]!, tf.max(y).dataSync()[0]!];
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects sizes that disagree with the image, and multi-stage builds, naming the option and value', () => {
    expect(() => buildModel({ ...small, inputDim: 784 })).toThrow(ConfigError);
    expect(() => buildModel({ ...small, inputDim: 784 })).toThrow(/inputDim.*imageSize\[0\] × imageSize\[1\] × inputChannels = 10 × 14 × 2 = 280.*784/);
    expect(() => buildModel({ ...small, outputDim: 140 })).toThrow(/outputDim.*received 140/);
    expect(() => buildModel({ model: 'maxim_s2' })).toThrow(/numStages.*received 2/);
    expect(() => specParams({ ...small, blockSizeHr: 0 })).toThrow(/blockSizeHr/);
    expect(() => specParams({ ...small, outputActivation: 'relu' })).toThrow(/outputActivation/);
  });

  it('counts are independent of the image size (every weight is sized by channels, blocks and grids)', () => {
    expect(specParams({ ...small, imageSize: 64, inputDim: 8192, outputDim: 8192 })).toEqual(specParams(small));
    expect(maximParams(resolveSpec(small).options as never)).toEqual(specParams(small));
  });
});
