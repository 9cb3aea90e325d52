// Names a user types are looked up in lists and maps, never as keys of plain objects: `__proto__`,
// `constructor`, `toString` and `hasOwnProperty` are unknown names like any other, with the valid ones listed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-lookups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const PRESETS = /presets and families: conventional, conventional_mnist, .*hourglass_tiny, .*, or give a JSON spec/;

/** Runs the CLI entry in this process; its exit code and the lines it wrote to stderr. */
async function cli(...args: string[]): Promise<{ code: number; errors: string[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((l) => l.trim() !== ''));
    return true;
  });
  try {
    return { code: await runCli(['node', 'mlp-blocks', ...args]), errors: lines };
  } finally {
    spy.mockRestore();
  }
}

const grid = (over: Record<string, unknown>) => {
  const file = join(dir, `grid-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 8, lrs: [1e-3], seeds: [0], models: [{ model: 'hourglass_tiny' }], ...over }));
  return file;
};

describe('user names are never plain-object keys', () => {
  it.each(NAMES)('%s as a model, task, data set or backend is an unknown name listing the valid ones', async (name) => {
    const params = await cli('params', '--spec', name);
    expect(params.code).toBe(1);
    expect(params.errors).toHaveLength(1);
    expect(params.errors[0]).toMatch(new RegExp(`^mlp-blocks: --spec: unknown preset "${name}"; `));
    expect(params.errors[0]).toMatch(PRESETS);

    const inline = await cli('params', '--spec', JSON.stringify({ model: name }));
    expect(inline.errors).toEqual([expect.stringMatching(new RegExp(`^mlp-blocks: --spec: Unknown model "${name}"\\. Registered: conventional, .*hourglass, .*mixer`))]);

    const task = await cli('train', '--task', name, '--dataset', 'synthetic', '--model', 'hourglass_tiny', '--out', join(dir, 'never'));
    expect(task.code).toBe(1);
    expect(task.errors).toEqual([`error: option '--task <name>' argument '${name}' is invalid. --task must be one of denoise, superres, genclass, classify, received "${name}"`]);

    const dataset = await cli('train', '--task', 'denoise', '--dataset', name, '--model', 'hourglass_tiny', '--out', join(dir, 'never'));
    expect(dataset.errors).toEqual([`error: option '--dataset <name>' argument '${name}' is invalid. --dataset must be one of mnist, fashion-mnist, cifar10, cifar100, imagenet32, synthetic, received "${name}"`]);

    const backend = await cli('info', '--backend', name);
    expect(backend.code).toBe(1);
    expect(backend.errors).toEqual([expect.stringMatching(new RegExp(`^mlp-blocks: --backend must be one of auto, .*wasm, cpu, received "${name}"$`))]);
  });

  it.each(NAMES)('%s as a grid\'s task, data set or model is refused naming the grid file and key', async (name) => {
    const out = join(dir, 'sweep-never');
    const task = grid({ task: name });
    expect((await cli('sweep', '--grid', task, '--out', out)).errors)
      .toEqual([`mlp-blocks: --grid ${task}: "task" must be one of denoise, superres, genclass, classify, received "${name}"`]);
    const dataset = grid({ dataset: name });
    expect((await cli('sweep', '--grid', dataset, '--out', out)).errors)
      .toEqual([`mlp-blocks: --grid ${dataset}: "dataset" must be one of mnist, fashion-mnist, cifar10, cifar100, imagenet32, synthetic, received "${name}"`]);
    const model = grid({ models: [{ model: name }] });
    const r = await cli('sweep', '--grid', model, '--out', out, '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^mlp-blocks: --grid ${model}: models\\[0\\]: Unknown model "${name}"\\. Registered: conventional, `))]);
  });

  it('report takes family names from results files and --series-by as own keys only', async () => {
    const runs = join(dir, 'report');
    mkdirSync(runs);
    const record = (id: string, family: string) => JSON.stringify({
      id, family, config: { task: 'denoise', dataset: 'synthetic', spec: { model: family }, lr: 1e-3, seed: 0, epochs: 1, batchSize: 8 },
      params: { trainable: 10, nonTrainable: 0, total: 10 }, metricName: 'psnr', evalLoss: 0.1, evalMetric: 10, testLoss: 0.1, testMetric: 10,
      bestEpoch: 0, epochsRun: 1, steps: 1, stoppedEarly: false, seconds: 1, dir: '.',
    });
    writeFileSync(join(runs, 'results.jsonl'), `${record('a-1', '__proto__')}\n${record('b-1', 'constructor')}\n`);
    for (const extra of [[], ['--series-by', 'constructor'], ['--series-by', 'toString']]) {
      expect((await cli('report', runs, ...extra)).code).toBe(0);
      const md = readFileSync(join(runs, 'report.md'), 'utf8');
      expect(md).not.toContain('native code');
      expect(md.split('\n').filter((l) => l.startsWith('| ★ |'))).toEqual([
        expect.stringMatching(/^\| ★ \| __proto__ \| `a-1` \|/), expect.stringMatching(/^\| ★ \| constructor \| `b-1` \|/),
      ]);
    }
  });
});
