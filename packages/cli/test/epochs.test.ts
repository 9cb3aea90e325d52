// One epoch convention everywhere a user reads one: 1-based, in the console, result.json, results.jsonl and the
// report; results written before (format 1, 0-based) read as they always printed (issue 20 item 5a).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RECORD_FORMAT, readResults } from '../src/index.js';
import { cli, readJsonl, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-cli-epochs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const repoRoot = new URL('../../../', import.meta.url).pathname;
/** The "best epoch" column of a report's table of all trials, by trial id. */
const bestEpochColumn = (markdown: string) => {
  const rows = markdown.slice(markdown.indexOf('## All trials')).split('\n').filter((l) => l.startsWith('| ') && l.includes('`'));
  return Object.fromEntries(rows.map((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return [cells[3]!.replace(/`/g, ''), cells[10]];
  }));
};

/** A format 1 record (no `format`, 0-based epochs) as results files held them before. */
const oldRecord = (id: string, bestEpoch: number) => ({
  id, family: 'hourglass', metricName: 'psnr', params: { trainable: 10, nonTrainable: 0, total: 10 },
  config: { task: 'denoise', dataset: 'synthetic', spec: { model: 'hourglass' }, lr: 0.001, seed: 0, epochs: 2, batchSize: 8 },
  evalLoss: 0.1, evalMetric: 10, testLoss: 0.1, testMetric: 10, bestEpoch, epochsRun: 2, steps: 4, stoppedEarly: false, seconds: 1, dir: '.',
  history: [{ epoch: 0, loss: 0.2, evalLoss: 0.15, evalMetric: 9 }, { epoch: 1, loss: 0.1, evalLoss: 0.1, evalMetric: 10 }],
});

describe('results format', () => {
  it('reads format 1 records (0-based epochs) as 1-based, keeps format 2 records, and names a newer format with its line', () => {
    const file = join(dir, 'mixed.jsonl');
    const current = { ...oldRecord('hourglass-b', 2), format: RECORD_FORMAT, history: [{ epoch: 1, loss: 0.2, evalLoss: 0.15, evalMetric: 9 }, { epoch: 2, loss: 0.1, evalLoss: 0.1, evalMetric: 10 }] };
    writeFileSync(file, `${JSON.stringify(oldRecord('hourglass-a', 1))}\n${JSON.stringify(current)}\n`);
    const [a, b] = readResults(file);
    expect(a).toMatchObject({ format: 2, bestEpoch: 2, history: [{ epoch: 1 }, { epoch: 2 }] });
    expect(b).toEqual(current);
    writeFileSync(file, `${JSON.stringify({ ...current, format: 3 })}\n`);
    expect(() => readResults(file)).toThrow(`${file} line 1: not a trial record ("format" is 3, expected 2 or none (written by a newer mlp-blocks; upgrade it))`);
  });
});

describe.skipIf(!existsSync(cli))('epochs are 1-based in every output', () => {
  it('train: the console, result.json and results.jsonl name the same best epoch, and history counts from 1', () => {
    const out = join(dir, 'run');
    const r = run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass_tiny', '--epochs', '2', '--batch-size', '128',
      '--lr', '0.003', '--backend', 'cpu', '--out', out, '--progress', 'log');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^epoch 1\/2 /m);
    const printed = Number(/^best epoch (\d+):/m.exec(r.stdout)?.[1]);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.format).toBe(2);
    expect(result.bestEpoch).toBe(printed);
    expect([1, 2]).toContain(printed);
    expect(result.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2]);
    // The best epoch is the one with the lowest eval loss, counted as the history counts.
    const lowest = result.history.reduce((a: { evalLoss: number }, h: { evalLoss: number }) => (h.evalLoss < a.evalLoss ? h : a));
    expect(lowest.epoch).toBe(printed);
    expect(readJsonl(join(out, 'results.jsonl'))).toEqual([result]);
    const report = run('report', out, '--json');
    expect(report.status, report.stderr).toBe(0);
    expect(Object.values(bestEpochColumn(readFileSync(JSON.parse(report.stdout).markdown, 'utf8')))).toEqual([String(printed)]);
  });

  it('report of an old results file prints the epochs it printed before (a fixture, and the committed full genclass results)', () => {
    const old = join(dir, 'old');
    mkdirSync(old);
    writeFileSync(join(old, 'results.jsonl'), `${JSON.stringify(oldRecord('hourglass-a', 0))}\n`);
    const r = run('report', old, '--out', join(dir, 'old-report'), '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(bestEpochColumn(readFileSync(JSON.parse(r.stdout).markdown, 'utf8'))).toEqual({ 'hourglass-a': '1' });

    const committed = join(repoRoot, 'docs/results/full/genclass');
    const again = run('report', committed, '--out', join(dir, 'genclass'), '--json');
    expect(again.status, again.stderr).toBe(0);
    const before = bestEpochColumn(readFileSync(join(committed, 'report.md'), 'utf8'));
    expect(Object.keys(before)).toHaveLength(5);
    expect(bestEpochColumn(readFileSync(JSON.parse(again.stdout).markdown, 'utf8'))).toEqual(before);
  });
});
