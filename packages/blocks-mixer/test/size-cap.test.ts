import { ConfigError, createModel, specParams } from '@mlp-blocks/core';
import { expect, it } from 'vitest';
import '../src/index.js';

// Absurd sizes fail in closed form before anything is allocated: over the cap, or not a safe integer at all.
const image = { imageSize: 32, patchSize: 4, numClasses: 10 };
const cases: Array<[string, Record<string, unknown>, RegExp]> = [
  ['mixer', { ...image, embedDim: 1e9, depth: 2 }, /^Model "mixer" would have about 1\.60e\+19 parameters, which is not a safe integer/],
  ['mixer', { ...image, embedDim: 64, depth: 1e6 }, /^Model "mixer" would have 37,536,003,914 parameters, over the cap of 100,000,000; /],
  ['resmlp', { ...image, embedDim: 1e9, depth: 2 }, /^Model "resmlp" would have about 1\.60e\+19 parameters, which is not a safe integer/],
  ['resmlp', { ...image, embedDim: 64, depth: 1e6 }, /^Model "resmlp" would have 37,632,003,914 parameters, over the cap of 100,000,000; /],
  ['tsmixer', { seqLen: 1e9, features: 4, horizon: 4 }, /^Model "tsmixer" would have about 2\.00e\+18 parameters, which is not a safe integer/],
  ['tsmixer', { seqLen: 16, features: 4, horizon: 4, depth: 1e6 }, /^Model "tsmixer" would have 1,364,000,068 parameters, over the cap of 100,000,000; /],
];

for (const [model, options, message] of cases) {
  it(`${model} ${JSON.stringify(options)} is refused at once`, () => {
    const error = (() => { try { createModel(model, options); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });
}

it('an embedDim of 1e300 is refused as an integer option, not counted as ∞', () => {
  expect(() => specParams({ model: 'mixer', ...image, embedDim: 1e300, depth: 2 }))
    .toThrow(/option "embedDim" must be a positive integer.*received 1e\+300/);
});
