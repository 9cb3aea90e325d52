import { ConfigError, createModel, specParams } from '@mlp-blocks/core';
import { expect, it } from 'vitest';
import '../src/index.js';

// Absurd sizes fail in closed form before anything is allocated: over the cap, or not a safe integer at all.
const cases: Array<[Record<string, unknown>, RegExp]> = [
  [{ imageSize: 32, patchSize: 4, embedDim: 1e9, depth: 2, numClasses: 10 }, /^Model "gmlp" would have about 1\.80e\+19 parameters, which is not a safe integer/],
  [{ imageSize: 32, patchSize: 4, embedDim: 64, depth: 1e6, numClasses: 10 }, /^Model "gmlp" would have 41,984,003,914 parameters, over the cap of 100,000,000; /],
  [{ kind: 'sequence', vocabSize: 10, seqLen: 1e9, embedDim: 64, depth: 1, outputDim: 10 }, /^Model "gmlp" would have about 1\.00e\+18 parameters, which is not a safe integer/],
];

for (const [options, message] of cases) {
  it(`gmlp ${JSON.stringify(options)} is refused at once`, () => {
    const error = (() => { try { createModel('gmlp', options); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });
}

it('an embedDim of 1e300 is refused as an integer option, not counted as ∞', () => {
  expect(() => specParams({ model: 'gmlp', imageSize: 32, patchSize: 4, embedDim: 1e300, depth: 2, numClasses: 10 }))
    .toThrow(/option "embedDim" must be a positive integer.*received 1e\+300/);
});

it('evenChannelMlpDim refuses an even integer too large to be exact (2**60)', async () => {
  const { evenChannelMlpDim } = await import('../src/index.js');
  expect(() => evenChannelMlpDim('gmlpBlock', 2 ** 60))
    .toThrow(`gmlpBlock: option "channelMlpDim" must be an even positive integer (the spatial gating unit splits it into two halves), received ${String(2 ** 60)}`);
});
