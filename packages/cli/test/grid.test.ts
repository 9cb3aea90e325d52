import '@mlp-blocks/hourglass';
import { describe, expect, it } from 'vitest';
import { checkGrid, expandSpace, parseShard, planTrials, shardTrials, syntheticTask, trialId } from '../src/index.js';

const splits = syntheticTask('denoise');
const grid = checkGrid({
  task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 32, lrs: [1e-3, 3e-3], seeds: [0, 1],
  models: [{ model: 'conventional', hidden: 256, depth: 1 }],
  spaces: [{ model: 'hourglass', width: [32, 64], bottleneck: [4, [8, 2]], depth: 2, lift: 'trainable' }],
});

describe('grids', () => {
  it('expands array-valued keys as a product, in key order, and keeps nested lists as values', () => {
    expect(expandSpace({ model: 'hourglass', width: [32, 64], bottleneck: [4, [8, 2]], depth: 2 })).toEqual([
      { model: 'hourglass', width: 32, bottleneck: 4, depth: 2 },
      { model: 'hourglass', width: 32, bottleneck: [8, 2], depth: 2 },
      { model: 'hourglass', width: 64, bottleneck: 4, depth: 2 },
      { model: 'hourglass', width: 64, bottleneck: [8, 2], depth: 2 },
    ]);
  });

  it('plans models then spaces, each × lrs × seeds, with sizes from the data and closed-form counts', () => {
    const plan = planTrials(grid, splits);
    expect(plan).toHaveLength(5 * 2 * 2);
    expect(plan.map((t) => t.index)).toEqual([...Array(20).keys()]);
    expect(plan[0]!.config).toMatchObject({ spec: { model: 'conventional', inputDim: 64, outputDim: 64 }, lr: 1e-3, seed: 0 });
    expect(plan[1]!.config).toMatchObject({ lr: 1e-3, seed: 1 });
    expect(plan[2]!.config).toMatchObject({ lr: 3e-3, seed: 0 });
    expect(plan[0]!.trainable).toBe(64 * 64 * 2 + 2 * 64 * 256); // square lift + head + one block
    expect(plan[4]!.trainable).toBe(64 * 32 * 2 + 2 * (2 * 32 * 4)); // lift + head + two blocks of 4
    expect(plan[8]!.trainable).toBe(64 * 32 * 2 + 2 * 32 * 8 + 2 * 32 * 2); // per-block [8, 2]
    expect(new Set(plan.map((t) => t.id)).size).toBe(20);
    expect(plan.map((t) => t.id)).toEqual(planTrials(grid, splits).map((t) => t.id)); // stable
    expect(plan[0]!.id).toBe(trialId(plan[0]!.config));
    expect(plan[0]!.id).toMatch(/^conventional-[0-9a-f]{10}$/);
  });

  it('drops models over the parameter budget (all their lrs and seeds)', () => {
    const plan = planTrials(grid, splits, 5000);
    expect(plan.every((t) => t.trainable <= 5000)).toBe(true);
    expect(plan.map((t) => t.trainable)).toEqual([4608, 4608, 4608, 4608, 4736, 4736, 4736, 4736]);
  });

  it('shards partition the plan round-robin', () => {
    const plan = planTrials(grid, splits);
    const shards = [0, 1, 2].map((k) => shardTrials(plan, { k, n: 3 }));
    expect(shards.map((s) => s.length)).toEqual([7, 7, 6]);
    expect(shards.flat().map((t) => t.index).sort((a, b) => a - b)).toEqual(plan.map((t) => t.index));
    expect(shards[1]!.map((t) => t.index)).toEqual([1, 4, 7, 10, 13, 16, 19]);
    expect(parseShard('2/3')).toEqual({ k: 2, n: 3 });
    for (const bad of ['3/3', '1/0', '-1/2', 'a/b', '1']) expect(() => parseShard(bad)).toThrow(`--shard must be k/n with 0 <= k < n (k is 0-based), received "${bad}"`);
  });

  it('names a bad grid key and a spec that fails validation', () => {
    expect(() => checkGrid({ ...grid, task: 'segment' })).toThrow('grid: "task" must be one of denoise, superres, genclass, classify, received "segment"');
    expect(() => checkGrid({ ...grid, epoch: 3 })).toThrow('grid: "epoch" must be a known key');
    expect(() => checkGrid({ ...grid, models: undefined, spaces: undefined })).toThrow('grid: "models" must be present (or "spaces"), received nothing');
    const bad = checkGrid({ ...grid, spaces: undefined, models: [{ model: 'hourglass', width: 32, bottleneck: 4, depth: 0 }] });
    expect(() => planTrials(bad, splits)).toThrow('grid: models[0]: hourglassMlp: option "depth" must be a positive integer, received 0');
  });

  it('records sigma and limit in each trial (so they change its id) and checks them', async () => {
    const reduced = checkGrid({ ...grid, limit: 100, sigma: 0.5 });
    const plan = planTrials(reduced, splits);
    expect(plan[0]!.config).toMatchObject({ limit: 100, sigma: 0.5 });
    expect(plan[0]!.id).not.toBe(planTrials(grid, splits)[0]!.id);
    expect(() => checkGrid({ ...grid, limit: 0 })).toThrow('grid: "limit" must be a positive integer, received 0');
    expect(() => checkGrid({ ...grid, sigma: -1 })).toThrow('grid: "sigma" must be a non-negative number, received -1');
    // The sweep's loader gets them: the synthetic set limited to the first 100 training examples.
    const { loadSplits } = await import('../src/index.js');
    const s = await loadSplits({ task: 'denoise', dataset: 'synthetic', seed: 0, limit: 100 });
    expect([s.train.size, s.eval.size, s.train.name]).toEqual([100, 128, 'synthetic/denoise/train[:100]']);
  });
});
