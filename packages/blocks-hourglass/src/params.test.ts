import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildFromSpec, countParams, getModelBuilder, summary } from '@mlp-blocks/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conventionalMlp, conventionalParams, hourglassMlp, hourglassParams } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('closed-form parameter counts: the published checks (BLOCKS.md, authors\' result folders)', () => {
  it('(3072, 3546, 270, L=5) → 31,360,824 trainable; 20,467,512 with a frozen lift', () => {
    const base = { inputDim: 3072, outputDim: 3072, width: 3546, bottleneck: 270, depth: 5 };
    expect(hourglassParams({ ...base, lift: 'trainable' }).trainable).toBe(31_360_824);
    const frozen = hourglassParams({ ...base, lift: 'fixed' });
    expect(frozen.trainable).toBe(20_467_512);
    expect(frozen.nonTrainable).toBe(3072 * 3546 + 5 * 2 * 3546); // frozen lift + batch-norm running statistics
  });
  it('super-resolution (768, 3546, 16, L=5) → 14,184,000', () => {
    expect(hourglassParams({ inputDim: 768, outputDim: 3072, width: 3546, bottleneck: 16, depth: 5, lift: 'trainable' }).trainable).toBe(14_184_000);
  });
  it('conventional (3072, 3072, 3546, L=2) → 62,447,616', () => {
    expect(conventionalParams({ inputDim: 3072, outputDim: 3072, hidden: 3546, depth: 2 }).trainable).toBe(62_447_616);
  });
  it('MNIST (784, 785, 115, L=4) → 1,953,080', () => {
    expect(hourglassParams({ inputDim: 784, outputDim: 784, width: 785, bottleneck: 115, depth: 4, lift: 'trainable' }).trainable).toBe(1_953_080);
  });
});

describe('closed form equals the built model', () => {
  const variants: Array<{ label: string; build: () => tfl.Sequential; formula: () => ReturnType<typeof hourglassParams> }> = [];
  const hg = { inputDim: 20, outputDim: 7, width: 24, bottleneck: [3, 5, 4], depth: 3 };
  for (const lift of ['fixed', 'trainable'] as const) {
    for (const extra of [{}, { bias: true }, { norm: 'layer' as const, layerScale: 0.1 }, { norm: 'rms' as const }, { norm: 'none' as const, dropPath: 0.1 }, { norm: 'affine' as const }]) {
      const o = { ...hg, lift, ...extra };
      variants.push({ label: `hourglass ${JSON.stringify({ lift, ...extra })}`, build: () => hourglassMlp(o), formula: () => hourglassParams(o) });
    }
  }
  const idt = { inputDim: 16, outputDim: 16, width: 16, bottleneck: 4, depth: 2, lift: 'identity' as const };
  variants.push({ label: 'hourglass identity lift', build: () => hourglassMlp(idt), formula: () => hourglassParams(idt) });
  const conv = { inputDim: 12, outputDim: 5, hidden: 30, depth: 2 };
  variants.push({ label: 'conventional', build: () => conventionalMlp(conv), formula: () => conventionalParams(conv) });

  it.each(variants)('$label', ({ build, formula }) => {
    const model = build();
    expect(countParams(model)).toEqual(formula());
    model.dispose();
  });

  it('the MNIST reference network built from the spec matches the formula and the published count', () => {
    const spec = { model: 'hourglass', inputDim: 784, outputDim: 784, width: 785, bottleneck: 115, depth: 4, lift: 'trainable' };
    const model = buildFromSpec(spec) as tfl.LayersModel;
    const counts = countParams(model);
    expect(counts.trainable).toBe(1_953_080);
    expect(getModelBuilder('hourglass').countParams!(spec)).toEqual(counts);
    model.dispose();
  });
});

describe('hourglassParams against model.summary() (issue 20: they disagreed for a fixed lift)', () => {
  /** The three totals a summary prints. */
  function totals(print: (printFn: (line: string) => void) => void): { trainable: number; nonTrainable: number; total: number } {
    const lines: string[] = [];
    print((line) => lines.push(line));
    const value = (label: string) => Number(lines.find((l) => l.startsWith(`${label}: `))!.slice(label.length + 2));
    return { trainable: value('Trainable params'), nonTrainable: value('Non-trainable params'), total: value('Total params') };
  }
  const base = { inputDim: 20, outputDim: 7, width: 24, bottleneck: 3, depth: 2 };

  it.each(['trainable', 'fixed', 'identity'] as const)('lift %s: core\'s summary(model) prints the totals of hourglassParams and countParams', (lift) => {
    const o = lift === 'identity' ? { ...base, width: 20, lift } : { ...base, lift };
    const model = hourglassMlp(o);
    expect(totals((p) => summary(model, p))).toEqual(hourglassParams(o));
    expect(countParams(model)).toEqual(hourglassParams(o));
    model.dispose();
  });

  it("tfjs's model.summary() leaves out the fixed lift (regenerated from its seed, not a stored weight): exactly inputDim·width", () => {
    for (const lift of ['trainable', 'fixed'] as const) {
      const model = hourglassMlp({ ...base, lift });
      const formula = hourglassParams({ ...base, lift });
      const missing = lift === 'fixed' ? base.inputDim * base.width : 0;
      expect(totals((p) => model.summary(undefined, undefined, p)))
        .toEqual({ trainable: formula.trainable, nonTrainable: formula.nonTrainable - missing, total: formula.total - missing });
      expect(model.countParams()).toBe(formula.total - missing);
      model.dispose();
    }
  });
});

describe('builder errors name the option and value', () => {
  const ok = { inputDim: 8, outputDim: 8, width: 16, bottleneck: 4, depth: 2 };
  it.each([
    [{ ...ok, bottleneck: [4, 4, 4] }, 'hourglassMlp: option "bottleneck" must be one size or a list of depth (2) sizes, received [4,4,4]'],
    [{ ...ok, depth: 0 }, 'hourglassMlp: option "depth" must be a positive integer, received 0'],
    [{ ...ok, lift: 'frozen' }, 'hourglassMlp: option "lift" must be one of "fixed", "trainable", "identity", received "frozen"'],
    [{ ...ok, lift: 'identity' }, 'hourglassMlp: lift "identity" needs width (16) equal to inputDim (8)'],
    [{ ...ok, widht: 3 }, 'hourglassMlp: unknown option "widht" (received 3); known options:'],
    [{ ...ok, norm: 'group' }, 'hourglassMlp: option "norm" must be one of'],
    [{ ...ok, seed: 1.5 }, 'hourglassMlp: option "seed" must be an integer in [0, 4294967295], received 1.5'],
  ])('%j', (options, message) => {
    expect(() => hourglassMlp(options as never)).toThrow(message);
  });
  it('conventional: hidden list of the wrong length', () => {
    expect(() => conventionalMlp({ inputDim: 4, outputDim: 4, hidden: [8], depth: 3 })).toThrow('conventionalMlp: option "hidden" must be one size or a list of depth (3) sizes, received [8]');
  });
});

describe('countParams(spec) of the hourglass package (deprecated: core\'s specParams counts any family)', () => {
  it('takes the JSON specs of the issue as text or objects', async () => {
    const { countParams: specParams } = await import('./index.js');
    expect(specParams('{"model":"conventional","inputDim":3072,"outputDim":3072,"hidden":3546,"depth":2}').trainable).toBe(62_447_616);
    expect(specParams({ model: 'hourglass', inputDim: 784, outputDim: 784, width: 1150, bottleneck: 115, depth: 10, lift: 'fixed' }))
      .toEqual({ trainable: 1150 * 784 + 10 * 2 * 1150 * 115, nonTrainable: 784 * 1150 + 10 * 2 * 1150, total: 1150 * 784 + 10 * 2 * 1150 * 115 + 784 * 1150 + 10 * 2 * 1150 });
    // The mixer package is not imported here: the registry says what is registered and how to register more.
    expect(() => specParams({ model: 'mixer' })).toThrow(/Unknown model "mixer"\. Registered: conventional, conventional_mnist, conventional_tiny, hourglass, hourglass_fixed, hourglass_mnist, hourglass_tiny/);
  });
});
