// Absurd sizes fail at once, in closed form, naming where they came from: --model / --spec, a grid's model,
// --batch-size; spec and grid files are bounded in size and nesting before they are parsed.
import '@mlp-blocks/hourglass';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSeeded, checkGrid, checkTrialSize, planTrials, readGrid, resolveModelArg, syntheticTask } from '../src/index.js';
import { readSpec } from '../src/cli/spec.js';
import { cli, errorLines, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-sizes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => tf.setBackend('cpu'));
const splits = syntheticTask('denoise'); // 64 inputs, 64 targets
const huge = { model: 'hourglass', width: 1_000_000, bottleneck: 8, depth: 1000 }; // 64·1e6·2 + 1000·2·8e6 trainable, 2e9 BN statistics: 18.1 billion
const base = { task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 8, lrs: [1e-3], seeds: [0] };

describe('size caps in closed form', () => {
  it('checkTrialSize names the source, the count, the cap and the flag that raises it', () => {
    const spec = { model: 'hourglass', inputDim: 64, outputDim: 64, width: 100, bottleneck: 10, depth: 1 }; // 64·100·2 + 2·100·10 = 14,800 trainable, 200 BN statistics
    expect(checkTrialSize(spec as never, 15_000).total).toBe(15_000);
    expect(() => checkTrialSize(spec as never, 14_999)).toThrow('--model: hourglass would have 15,000 parameters, over the cap of 14,999; pass --max-params 15000 (or more) to allow it');
    expect(() => checkTrialSize({ ...spec, depth: 1e6 } as never)).toThrow('--model: hourglass would have 2,200,012,800 parameters, over the cap of 100,000,000; pass --max-params 2200012800 (or more) to allow it');
  });

  it('the build takes the same cap (buildSeeded passes it to core), leaking no tensors', () => {
    const spec = { model: 'hourglass', inputDim: 64, outputDim: 64, width: 100, bottleneck: 10, depth: 1 };
    const before = tf.memory().numTensors;
    expect(() => buildSeeded(spec as never, 0, { maxParams: 14_999 })).toThrow(/would have 15,000 parameters, over the cap of 14,999/);
    buildSeeded(spec as never, 0, { maxParams: 15_000 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a grid model over the default cap is an error naming the grid and the model; a budget skips it instead', () => {
    const grid = checkGrid({ ...base, models: [{ model: 'hourglass_tiny' }, huge] });
    expect(() => planTrials(grid, splits, undefined, { source: '--grid g.json' }))
      .toThrow('--grid g.json: models[1]: hourglass would have 18,128,000,000 parameters, over the cap of 100,000,000; pass --max-params 18128000000 (or more) to allow it');
    expect(planTrials(grid, splits, 1_000_000)).toHaveLength(1);
    const spaces = checkGrid({ ...base, spaces: [{ ...huge, width: [10, 1_000_000] }] });
    expect(() => planTrials(spaces, splits, undefined, { source: '--grid g.json' })).toThrow(/^--grid g\.json: spaces\[0\] \{"model":"hourglass","width":1000000,.*\}: hourglass would have 18,128,000,000 parameters/);
  });

  it('a grid that lists a trial twice plans it once and says so', () => {
    const grid = checkGrid({ ...base, lrs: [1e-3, 1e-3, 2e-3], models: [{ model: 'hourglass_tiny' }, { model: 'hourglass_tiny' }] });
    const warnings: string[] = [];
    const plan = planTrials(grid, splits, undefined, { source: '--grid g.json', warn: (l) => warnings.push(l) });
    expect(plan.map((t) => [t.index, t.config.lr])).toEqual([[0, 1e-3], [1, 2e-3]]);
    expect(new Set(plan.map((t) => t.id)).size).toBe(2);
    expect(warnings).toEqual([
      '--grid g.json: models[0] repeats 1 trial already planned (lr 0.001 seed 0 = models[0] lr 0.001 seed 0); each runs once',
      '--grid g.json: models[1] repeats 3 trials already planned (lr 0.001 seed 0 = models[0] lr 0.001 seed 0; lr 0.001 seed 0 = models[0] lr 0.001 seed 0; lr 0.002 seed 0 = models[0] lr 0.002 seed 0); each runs once',
    ]);
  });
});

describe('spec and grid files are bounded before parsing', () => {
  const nested = (depth: number) => `{"model":"hourglass","width":${'['.repeat(depth)}1${']'.repeat(depth)}}`;

  it('refuses nesting deeper than 32 levels (brackets inside strings do not count), naming the flag and file', () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, nested(100_000)); // deep enough to overflow a recursive walk
    expect(() => readSpec(deep, '--model')).toThrow(`--model ${deep}: nested more than 32 levels deep (at character 61); specs and grids may nest at most 32 objects or arrays`);
    expect(() => resolveModelArg(nested(40))).toThrow('--model: nested more than 32 levels deep (at character 61); specs and grids may nest at most 32 objects or arrays');
    expect(readSpec(nested(31))).toMatchObject({ model: 'hourglass' }); // 32 levels with the outer object: allowed
    expect(() => readSpec(nested(32))).toThrow('--spec: nested more than 32 levels deep (at character 61)');
    const grid = join(dir, 'deep-grid.json');
    writeFileSync(grid, JSON.stringify({ ...base, $comment: '['.repeat(1000), models: [{ model: 'hourglass_tiny' }] }));
    expect(readGrid(grid).models).toHaveLength(1); // a bracket in a string is text
    writeFileSync(grid, JSON.stringify({ ...base, models: [{ model: 'hourglass_tiny', x: JSON.parse(nested(40)) }] }));
    expect(() => readGrid(grid)).toThrow(`--grid ${grid}: nested more than 32 levels deep`);
  });

  it('refuses a file over 1 MB before reading it', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify({ ...base, $comment: 'x'.repeat(1_000_001), models: [{ model: 'hourglass_tiny' }] }));
    expect(() => readGrid(big)).toThrow(`--grid ${big}: 1,000,144 bytes, over the 1,000,000-byte limit of spec and grid files`);
  });
});

describe.skipIf(!existsSync(cli))('size errors on the command line', () => {
  it('train and bench refuse an absurd --model in one line; --max-params lowers the cap', () => {
    const out = join(dir, 'train-huge');
    const t = run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', JSON.stringify(huge), '--out', out, '--backend', 'cpu');
    expect(t.status).toBe(1);
    expect(errorLines(t)).toEqual(['mlp-blocks: --model: hourglass would have 18,128,000,000 parameters, over the cap of 100,000,000; pass --max-params 18128000000 (or more) to allow it']);
    expect(existsSync(join(out, 'checkpoint.ckpt'))).toBe(false);
    const b = run('bench', '--model', 'hourglass_tiny', '--max-params', '1000', '--backend', 'cpu');
    expect(errorLines(b)).toEqual(['mlp-blocks: --model: hourglass would have 157,056 parameters, over the cap of 1,000; pass --max-params 157056 (or more) to allow it']);
  });

  it('bench caps --batch-size so that a batch fits in memory, naming the flag', () => {
    const r = run('bench', '--model', 'hourglass_tiny', '--batch-size', '1e8', '--backend', 'cpu');
    expect(r.status).toBe(1);
    expect(errorLines(r).at(-1)).toBe('mlp-blocks: --batch-size must be at most 342,392 for hourglass (784 values per example; a batch may hold at most 268,435,456), received 100000000');
  });

  it('params reports a count over the cap instead of refusing it, and names --spec for a non-finite size', () => {
    const over = run('params', '--spec', '{"model":"hourglass_tiny","depth":1000000}', '--json');
    expect(over.status).toBe(0);
    expect(JSON.parse(over.stdout)).toEqual({ trainable: 3_072_150_528, nonTrainable: 192_000_000, total: 3_264_150_528, maxParams: 100_000_000, overCap: true });
    const text = run('params', '--spec', 'hourglass_tiny', '--max-params', '157055');
    expect(text.stdout.split('\n').at(-2)).toBe('over the cap of 157,055: train, sweep and bench need --max-params 157056');
    const inf = run('params', '--spec', '{"model":"hourglass_tiny","width":1e300}');
    expect(inf.status).toBe(1);
    expect(errorLines(inf)).toEqual(['mlp-blocks: --spec: hourglassMlp: option "width" must be a positive integer, received 1e+300']);
  });

  it('sweep names the grid file and model of an absurd size, and the deep grid file', () => {
    const grid = join(dir, 'huge-grid.json');
    writeFileSync(grid, JSON.stringify({ ...base, models: [{ model: 'hourglass_tiny' }, huge] }));
    const r = run('sweep', '--grid', grid, '--out', join(dir, 'sweep-huge'), '--backend', 'cpu');
    expect(r.status).toBe(1);
    expect(errorLines(r)).toEqual([`mlp-blocks: --grid ${grid}: models[1]: hourglass would have 18,128,000,000 parameters, over the cap of 100,000,000; pass --max-params 18128000000 (or more) to allow it`]);
  });
});
