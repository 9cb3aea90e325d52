import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.js';

describe('SeededRandom state', () => {
  it('continues the exact sequence from a saved state, a cached normal included', () => {
    const a = new SeededRandom(7);
    for (let i = 0; i < 5; i++) a.next();
    a.normal(); // leaves a spare normal cached
    const b = SeededRandom.fromState(JSON.parse(JSON.stringify(a.getState())));
    const seqA = [a.normal(), a.next(), a.normal(), a.uniform(-1, 1)];
    const seqB = [b.normal(), b.next(), b.normal(), b.uniform(-1, 1)];
    expect(seqB).toEqual(seqA);
  });

  it('rejects a corrupt state naming what it expected', () => {
    expect(() => SeededRandom.fromState({ state: -1, spareNormal: null })).toThrow('SeededRandom.fromState: expected {state: uint32, spareNormal: number | null}, received {"state":-1,"spareNormal":null}');
  });
});
