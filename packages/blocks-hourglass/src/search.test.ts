import { describe, expect, it } from 'vitest';
import { enumerateGrid, hourglassParams, paretoFrontier } from './index.js';

describe('enumerateGrid', () => {
  it('lists hourglass shapes only, under the budget, sorted by trainable parameters', () => {
    const points = enumerateGrid({ kind: 'hourglass', inputDim: 784, outputDim: 784, widths: [785, 1150], hidden: [16, 115, 1048], depths: [2, 4], maxParams: 2_000_000 });
    // 1048 ≥ both widths is not an hourglass; the budget cuts the rest.
    expect(points.every((p) => (p.spec['bottleneck'] as number) < (p.spec['width'] as number))).toBe(true);
    expect(points.every((p) => p.trainable <= 2_000_000)).toBe(true);
    expect(points.map((p) => p.trainable)).toEqual([...points.map((p) => p.trainable)].sort((a, b) => a - b));
    const first = points[0]!;
    expect(first.spec).toEqual({ model: 'hourglass', inputDim: 784, outputDim: 784, depth: 2, lift: 'fixed', width: 785, bottleneck: 16 });
    expect(first.trainable).toBe(hourglassParams({ inputDim: 784, outputDim: 784, width: 785, bottleneck: 16, depth: 2, lift: 'fixed' }).trainable);
    expect(first.trainable).toBe(785 * 784 + 2 * 2 * 785 * 16);
    // fixed lift: head d_z·784 + 2·L·d_z·d_h. 785: 16×{2,4}, 115×{2,4}; 1150: 16×{2,4}, 115×{2,4} (115×4 = 1,959,600)
    expect(points).toHaveLength(8);
    expect(points[points.length - 1]!.trainable).toBe(1150 * 784 + 2 * 4 * 1150 * 115);
  });
  it('conventional grids use width = inputDim and expansions only', () => {
    const points = enumerateGrid({ kind: 'conventional', inputDim: 784, outputDim: 784, hidden: [115, 1150], depths: [2] });
    expect(points).toHaveLength(1);
    expect(points[0]!.spec).toMatchObject({ model: 'conventional', hidden: 1150, lift: 'trainable' });
  });
  it('explains a bad grid', () => {
    expect(() => enumerateGrid({ kind: 'hourglass', inputDim: 4, outputDim: 4, widths: [], hidden: [2], depths: [1] })).toThrow('enumerateGrid: option "widths" must be a non-empty list of positive integers, received []');
  });
});

describe('paretoFrontier', () => {
  it('keeps the points no other point beats on both parameters and metric', () => {
    const pts = [
      { id: 'a', params: 100, metric: 20 },
      { id: 'b', params: 150, metric: 19 }, // dominated by a
      { id: 'c', params: 200, metric: 25 },
      { id: 'd', params: 200, metric: 24 }, // same size as c, worse
      { id: 'e', params: 300, metric: 25 }, // larger, not better than c
      { id: 'f', params: 400, metric: 27 },
      { id: 'g', params: 50, metric: Number.NaN }, // failed run
    ];
    expect(paretoFrontier(pts).map((p) => p.id)).toEqual(['a', 'c', 'f']);
  });
});
