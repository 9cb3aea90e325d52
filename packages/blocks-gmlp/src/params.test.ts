import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildFromSpec, countParams, getModelBuilder } from '@mlp-blocks/core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PRESETS, classifierParams, countParams as specParams, gmlpClassifier, gmlpSequenceModel, sequenceParams,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Counts of the reference PyTorch classifier (timm's layout), from fixtures/make_fixtures.py. */
const torchCounts = JSON.parse(readFileSync(new URL('../fixtures/param_counts.json', import.meta.url), 'utf8')) as {
  presets: { preset: keyof typeof PRESETS; params: number; published: number }[];
};

describe('ImageNet presets against timm (closed form: nothing allocated)', () => {
  it.each([
    ['gmlp_ti16', 5.87e6],
    ['gmlp_s16', 19.4e6],
    ['gmlp_b16', 73e6],
  ] as const)('%s is within 1%% of timm\'s %d', (preset, published) => {
    const counts = getModelBuilder('gmlp').countParams!({ model: 'gmlp', preset });
    expect(Math.abs(counts.trainable - published) / published).toBeLessThan(0.01);
    expect(counts.nonTrainable).toBe(0);
  });

  it('equal to the PyTorch reference built on the meta device, preset by preset', () => {
    expect(torchCounts.presets.map((p) => p.preset)).toEqual(['gmlp_ti16', 'gmlp_s16', 'gmlp_b16']);
    for (const p of torchCounts.presets) expect(classifierParams(PRESETS[p.preset]).trainable, p.preset).toBe(p.params);
  });

  it('gMLP-Ti: 5,867,328 = stem 98,432 + 30 blocks × 187,988 + norm 256 + head 129,000', () => {
    expect(specParams('{"model":"gmlp","preset":"gmlp_ti16"}').total).toBe(98_432 + 30 * 187_988 + 256 + 129_000);
  });

  it('preset fields can be overridden in the spec', () => {
    const base = specParams({ model: 'gmlp', preset: 'gmlp_ti16' }).total;
    const shallow = specParams({ model: 'gmlp', preset: 'gmlp_ti16', depth: 2, numClasses: 10 }).total;
    expect(base - shallow).toBe(28 * 187_988 + 990 * 129);
  });
});

describe('closed form equals the built model', () => {
  const classifier = { imageSize: 8, patchSize: 2, numClasses: 5, embedDim: 8, depth: 2 };
  const sequence = { vocabSize: 17, seqLen: 6, embedDim: 8, depth: 2, channelMlpDim: 10 };
  const variants: Array<{ label: string; build: () => tfl.Sequential; formula: () => ReturnType<typeof classifierParams> }> = [
    { label: 'classifier, channelMlpDim default 6·embedDim', build: () => gmlpClassifier(classifier), formula: () => classifierParams(classifier) },
    ...[
      { ...classifier, tinyAttention: true, attentionDim: 3 },
      { ...classifier, imageSize: [12, 8] as [number, number], patchSize: [4, 2] as [number, number], inputChannels: 1, channelMlpDim: 6 },
      { ...classifier, tinyAttention: true, dropPath: 0.2, gateActivation: 'sigmoid' as const },
    ].map((o) => ({ label: `classifier ${JSON.stringify(o)}`, build: () => gmlpClassifier(o), formula: () => classifierParams(o) })),
    ...[
      sequence,
      { ...sequence, causal: false, tinyAttention: true, attentionDim: 5 },
      { ...sequence, outputDim: 3, tinyAttention: true },
    ].map((o) => ({ label: `sequence ${JSON.stringify(o)}`, build: () => gmlpSequenceModel(o), formula: () => sequenceParams(o) })),
  ];

  it.each(variants)('$label', ({ build, formula }) => {
    const model = build();
    expect(countParams(model)).toEqual(formula());
    model.dispose();
  });

  it.each(['gmlp_mnist', 'gmlp_cifar10'])('the small preset %s built from its JSON spec', (preset) => {
    const spec = { model: 'gmlp', preset };
    const model = buildFromSpec(JSON.stringify(spec)) as tfl.LayersModel;
    expect(countParams(model)).toEqual(getModelBuilder('gmlp').countParams!(spec));
    const p = PRESETS[preset as 'gmlp_mnist'];
    expect(model.inputs[0]!.shape).toEqual([null, p.imageSize, p.imageSize, p.inputChannels]);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
  });

  it('a sequence spec with kind "sequence"', () => {
    const spec = { model: 'gmlp', kind: 'sequence', vocabSize: 50, seqLen: 16, embedDim: 12, depth: 3 };
    const model = buildFromSpec(spec) as tfl.LayersModel;
    expect(countParams(model)).toEqual(specParams(spec));
    expect(model.outputs[0]!.shape).toEqual([null, null, 50]); // causal by default: any length up to seqLen
    model.dispose();
  });
});

describe('spec errors', () => {
  it.each([
    [{ model: 'gmlp', preset: 'gmlp_xl' }, 'gmlpClassifier: option "preset" must be one of "gmlp_ti16", "gmlp_s16", "gmlp_b16", "gmlp_mnist", "gmlp_cifar10", received "gmlp_xl"'],
    [{ model: 'gmlp', preset: 'gmlp_ti16', kind: 'sequence' }, 'gmlpSequenceModel: kind "sequence" takes no image options, received imageSize, patchSize, inputChannels, numClasses (the presets are image classifiers: "preset" cannot be combined with kind "sequence")'],
    [{ model: 'gmlp', kind: 'lm' }, 'gmlp spec: option "kind" must be one of "classifier", "sequence", received "lm"'],
    [{ model: 'gmlp', preset: 'gmlp_ti16', channelMlpDim: 769 }, 'gmlpClassifier: option "channelMlpDim" must be an even positive integer (the spatial gating unit splits it into two halves), received 769'],
    [{ model: 'gmlp', preset: 'gmlp_ti16', imageSize: 200 }, 'gmlpClassifier: image height 200 is not divisible by patch height 16 (imageSize 200, patchSize 16)'],
    [{ model: 'gmlp', preset: 'gmlp_ti16', depht: 3 }, 'gmlpClassifier: unknown option "depht" (received 3)'],
    [{ model: 'mixer' }, 'Unknown model "mixer". Registered: gmlp, gmlp_b16, gmlp_cifar10, gmlp_mnist, gmlp_s16, gmlp_ti16'],
  ])('%j', (spec, message) => {
    expect(() => specParams(spec as never)).toThrow(message);
  });

  it('the registered builder fails the same way before allocating anything', () => {
    expect(() => getModelBuilder('gmlp').build({ model: 'gmlp', preset: 'gmlp_ti16', patchSize: [16, 15] })).toThrow('gmlpClassifier: image width 224 is not divisible by patch width 15');
  });
});
