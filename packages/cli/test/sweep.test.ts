// Sweeps on the built binary: shards as separate processes merged equal the unsharded sweep; resume skips
// finished trials and survives a torn results line; the report's files exist and parse.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { gridSize, readSamples } from '../src/index.js';
import { cli, errorLines, readJsonl, run, runAsync } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gridFile = join(dir, 'grid.json');
const grid = {
  task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 128,
  spaces: [
    { model: 'hourglass', width: [48, 96], bottleneck: 8, depth: [1, 2], lift: 'trainable' },
    { model: 'conventional', hidden: [96, 512], depth: 1 },
  ],
  lrs: [0.003],
  seeds: [0, 1],
  maxParams: 30000, // drops conventional hidden 512 (2·64·64 + 2·64·512 = 73,728)
};
writeFileSync(gridFile, JSON.stringify(grid));
const without = (r: Record<string, unknown>) => {
  const { seconds: _s, ...rest } = r;
  return rest;
};

describe.skipIf(!existsSync(cli))('sweep, shards and merge', () => {
  const full = join(dir, 'full');

  it('runs every trial of the grid within the budget, one results line each', () => {
    const r = run('sweep', '--grid', gridFile, '--out', full, '--backend', 'cpu', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ planned: 10, ran: 10, skipped: 0 });
    const lines = readJsonl(join(full, 'results.jsonl'));
    expect(lines).toHaveLength(10); // (4 hourglass + 1 conventional) × 2 seeds
    expect(lines.every((l) => (l.params as { trainable: number }).trainable <= 30000)).toBe(true);
    expect(new Set(lines.map((l) => l.id)).size).toBe(10);
    expect(lines.filter((l) => l.family === 'conventional')).toHaveLength(2);
    // Finished trials keep samples but not their checkpoints.
    expect(existsSync(join(full, lines[0]!.dir as string, 'samples.json'))).toBe(true);
    expect(existsSync(join(full, lines[0]!.dir as string, 'checkpoint.ckpt'))).toBe(false);
  });

  it('three shards run as separate processes and merged give the same trials and scores', async () => {
    const shards = [0, 1, 2].map((k) => join(dir, `shard-${k}`));
    const runs = await Promise.all(shards.map((out, k) => runAsync('sweep', '--grid', gridFile, '--out', out, '--shard', `${k}/3`, '--backend', 'cpu', '--json')));
    runs.forEach((r) => expect(r.status, r.stderr).toBe(0));
    expect(runs.map((r) => JSON.parse(r.stdout).ran)).toEqual([4, 3, 3]);
    const shardIds = shards.map((s) => readJsonl(join(s, 'results.jsonl')).map((l) => l.id));
    expect(new Set(shardIds.flat()).size).toBe(10); // a partition: no trial twice

    const merged = join(dir, 'merged');
    const partial = run('merge', '--out', join(dir, 'partial'), shards[0]!, shards[1]!);
    expect(partial.status).toBe(1);
    expect(errorLines(partial).at(-1)).toMatch(/^mlp-blocks: merge: 3 planned trials are missing \(.+\); rerun their shards or pass --allow-partial$/);
    const m = run('merge', '--out', merged, ...shards, '--json');
    expect(m.status).toBe(0);
    expect(JSON.parse(m.stdout)).toEqual({ merged: 10, planned: 10, missing: [] });

    const a = readJsonl(join(full, 'results.jsonl')).map(without);
    const b = readJsonl(join(merged, 'results.jsonl')).map(without);
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id)); // same trials, in the grid's order
    b.forEach((r, i) => {
      const ref = a[i]!;
      for (const key of ['evalLoss', 'evalMetric', 'testLoss', 'testMetric'] as const) expect(Math.abs((r[key] as number) - (ref[key] as number)), `${r.id} ${key}`).toBeLessThan(1e-6);
      expect({ ...r, evalLoss: 0, evalMetric: 0, testLoss: 0, testMetric: 0 }).toEqual({ ...ref, evalLoss: 0, evalMetric: 0, testLoss: 0, testMetric: 0 });
    });
    for (const r of b) expect(existsSync(join(merged, r.dir as string, 'samples.json'))).toBe(true);
  });

  it('merge refuses shards of a different grid', () => {
    const other = join(dir, 'other-grid.json');
    writeFileSync(other, JSON.stringify({ ...grid, lrs: [0.001], spaces: [grid.spaces[1]], maxParams: 30000 }));
    const out = join(dir, 'other');
    expect(run('sweep', '--grid', other, '--out', out, '--shard', '0/2', '--backend', 'cpu').status).toBe(0);
    const r = run('merge', '--out', join(dir, 'mixed'), join(dir, 'shard-0'), out);
    expect(r.status).toBe(1);
    expect(errorLines(r)).toEqual([expect.stringMatching(new RegExp(`^mlp-blocks: merge: ${out} ran a different grid than ${join(dir, 'shard-0')}`))]);
  });

  it('--resume skips finished trials and reruns only one whose line was torn by a crash', () => {
    const results = join(full, 'results.jsonl');
    const again = run('sweep', '--grid', gridFile, '--out', full, '--backend', 'cpu');
    expect(again.status).toBe(1);
    expect(errorLines(again)).toEqual([`mlp-blocks: --out: ${full} already holds a sweep; pass --resume to continue it or choose another directory`]);
    const before = readJsonl(results);
    truncateSync(results, readFileSync(results).length - 25); // the last append was cut short
    const r = run('sweep', '--grid', gridFile, '--out', full, '--backend', 'cpu', '--resume', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ran: 1, skipped: 9 });
    expect(r.stderr).toContain('cut an incomplete last line');
    const after = readJsonl(results).map(without);
    expect(after.map((x) => x.id)).toEqual(before.map((x) => x.id));
    expect(after.at(-1)).toEqual(without(before.at(-1)!));
  });
});

describe.skipIf(!existsSync(cli))('report', () => {
  it('writes report.md, a valid SVG with each family\'s points and frontier, and a PNG grid of the right size', () => {
    const merged = join(dir, 'merged');
    const out = join(dir, 'report');
    const r = run('report', merged, '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const files = JSON.parse(r.stdout);
    expect(files).toMatchObject({ trials: 10, families: ['conventional', 'hourglass'] });
    const records = readJsonl(join(merged, 'results.jsonl'));

    const md = readFileSync(files.markdown, 'utf8');
    for (const rec of records) expect(md).toContain(`\`${rec.id}\``);
    expect(md).toContain('![test PSNR (dB) vs trainable parameters](pareto.svg)');
    expect(md).toContain('test PSNR (dB) of the best-eval-loss weights (PSNR per batch, averaged weighted by batch size).');

    const svg = readFileSync(files.svg, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    const tree = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(svg);
    const groups: Array<Record<string, unknown>> = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        const cls = (node as Record<string, unknown>)['@class'];
        if (typeof cls === 'string' && cls.includes('role-mark')) groups.push(node as Record<string, unknown>);
        Object.values(node).forEach(walk);
      }
    };
    walk(tree);
    const points = groups.find((g) => (g['@class'] as string).endsWith('role-mark trial'))!;
    expect([points['path']].flat()).toHaveLength(10);
    const lines = groups.filter((g) => (g['@class'] as string).endsWith('role-mark frontier')).map((g) => g['path'] as Record<string, string>);
    expect(lines.map((p) => p['@aria-label']).sort()).toEqual(['conventional frontier', 'hourglass frontier']);
    // Each frontier line has one vertex per frontier point (★ rows of the table of that family).
    for (const family of ['conventional', 'hourglass']) {
      const d = lines.find((p) => p['@aria-label'] === `${family} frontier`)!['@d']!;
      const starred = md.split('\n').filter((l) => l.startsWith(`| ★ | ${family} |`)).length;
      expect(d.split('L').length, family).toBe(starred);
    }
    expect(svg).toContain('>hourglass</text>');

    const png = PNG.sync.read(readFileSync(files.png));
    const expected = gridSize(2, 8, [56, 56]); // two families, eight 8×8 samples scaled ×7
    expect([png.width, png.height]).toEqual([expected.width, expected.height]);
    // The target row of the first family (conventional) shows its stored targets, pixel for pixel.
    const best = records.filter((x) => x.family === 'conventional').sort((p, q) => (q.testMetric as number) - (p.testMetric as number))[0]!;
    const samples = readSamples(join(merged, best.dir as string, 'samples.json'));
    const top = 4 + 2 * (56 + 4);
    for (const [y, x] of [[0, 0], [3, 5], [7, 7]] as const) {
      const o = ((top + y * 7 + 3) * png.width + 4 + x * 7 + 3) * 4;
      expect(png.data[o]).toBe(Math.round(255 * Math.min(1, Math.max(0, samples.targets[y * 8 + x]!))));
    }
  });
});

describe.skipIf(!existsSync(cli))('sweep inputs', () => {
  it('a grid listing a trial twice runs it once and says so on stderr', () => {
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, JSON.stringify({ task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 16, limit: 32, lrs: [0.003], seeds: [0],
      models: [{ model: 'conventional', hidden: 16, depth: 1 }, { model: 'conventional', hidden: 16, depth: 1 }] }));
    const out = join(dir, 'twice');
    const r = run('sweep', '--grid', twice, '--out', out, '--backend', 'cpu', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ planned: 1, ran: 1 });
    expect(errorLines(r)[0]).toBe(`--grid ${twice}: models[1] repeats 1 trial already planned (lr 0.003 seed 0 = models[0] lr 0.003 seed 0); each runs once`);
    expect(readJsonl(join(out, 'results.jsonl'))).toHaveLength(1);
  });

  it('--resume on a damaged sweep.json names the file, what is wrong and the way out', () => {
    const out = join(dir, 'damaged');
    mkdirSync(out);
    writeFileSync(join(out, 'sweep.json'), '{"gridHash": "0123", "grid": {');
    const r = run('sweep', '--grid', gridFile, '--out', out, '--resume', '--backend', 'cpu');
    expect(r.status).toBe(1);
    const file = join(out, 'sweep.json');
    expect(errorLines(r)).toEqual([expect.stringMatching(new RegExp(`^mlp-blocks: --resume ${file}: not valid JSON \\(.+\\); if this directory holds a sweep of this grid, delete the damaged sweep.json and resume again \\(finished trials are kept in results.jsonl\\), or use a new --out directory$`))]);
    writeFileSync(file, '[1, 2]');
    expect(errorLines(run('sweep', '--grid', gridFile, '--out', out, '--resume', '--backend', 'cpu'))[0])
      .toBe(`mlp-blocks: --resume ${file}: not a sweep manifest (not a JSON object); if this directory holds a sweep of this grid, delete the damaged sweep.json and resume again (finished trials are kept in results.jsonl), or use a new --out directory`);
    expect(readFileSync(file, 'utf8')).toBe('[1, 2]'); // left as found
  });
});
