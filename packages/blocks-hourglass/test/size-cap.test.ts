import { ConfigError, checkModelSize, createModel, specParams } from '@mlp-blocks/core';
import { expect, it } from 'vitest';
import '../src/index.js';

// Absurd sizes fail in closed form before anything is allocated (a depth-long array included), naming the count.
const cases: Array<[string, Record<string, unknown>]> = [
  ['hourglass', { inputDim: 4, outputDim: 4, width: 1e9, bottleneck: 4, depth: 2 }],
  ['hourglass', { inputDim: 4, outputDim: 4, width: 100, bottleneck: 100, depth: 1e6 }],
  ['hourglass', { inputDim: 4, outputDim: 4, width: 100, bottleneck: 100, depth: 1e9 }],
  ['conventional', { inputDim: 4, outputDim: 4, hidden: 1e9, depth: 2 }],
  ['conventional', { inputDim: 4, outputDim: 4, hidden: 100, depth: 1e9, norm: 'batch' }],
];

for (const [model, options] of cases) {
  it(`${model} ${JSON.stringify(options)} is refused by the size cap, in closed form`, () => {
    const total = specParams({ model, ...options }).total;
    const error = (() => { try { createModel(model, options); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^Model "${model}" would have ${total.toLocaleString('en-US')} parameters, over the cap of 100,000,000; `));
  });
}

it('counts a huge depth of one size exactly as the per-block list does', () => {
  const list = { model: 'hourglass', inputDim: 3, outputDim: 2, width: 8, bottleneck: [4, 4, 4], depth: 3, norm: 'batch' };
  expect(specParams({ ...list, bottleneck: 4 })).toEqual(specParams(list));
  expect(checkModelSize({ model: 'hourglass', inputDim: 1, outputDim: 1, width: 1, bottleneck: 1, depth: 1e7, useBias: false }, { maxParams: Infinity }))
    .toBe(1 + 1e7 * (2 + 2) + 1); // lift + per block 2·z·h and a layer norm's 2·z + head
});

it('a width of 1e300 is refused as an integer option, not counted as ∞', () => {
  expect(() => specParams({ model: 'hourglass', inputDim: 4, outputDim: 4, width: 1e300, bottleneck: 4, depth: 2 }))
    .toThrow('hourglassMlp: option "width" must be a positive integer, received 1e+300');
});
