// Issue 19, items 2, 6 and 7 at the command line: a resume with other model or data settings is refused
// naming each one; an explicit --lr may change on resume and is recorded; a divergence names the exact
// command that continues the run; an unwritable --out fails before any data loads or compute.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, errorLines, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-cli-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = (activation: string) => JSON.stringify({ model: 'hourglass', width: 16, bottleneck: 4, depth: 1, lift: 'trainable', activation });
const train = (out: string, ...extra: string[]) => run('train', '--task', 'denoise', '--dataset', 'synthetic', '--epochs', '1', '--batch-size', '64',
  '--backend', 'cpu', '--seed', '2', '--out', out, '--progress', 'none', ...extra);

describe.skipIf(!existsSync(cli))('mlp-blocks train --resume', () => {
  it('refuses other model or data settings, naming each; accepts an explicit --lr and records the change', () => {
    const out = join(dir, 'run');
    expect(train(out, '--model', spec('relu'), '--lr', '0.003').status).toBe(0);
    rmSync(join(out, 'results.jsonl')); // leaves the checkpoint: an unfinished run as far as the command knows

    const other = train(out, '--model', spec('tanh'), '--lr', '0.003', '--sigma', '0.9', '--resume');
    expect(other.status).toBe(1);
    expect(errorLines(other).at(-1)).toBe(`mlp-blocks: checkpoint ${join(out, 'checkpoint.ckpt')}: cannot resume: it was written with `
      + 'spec.activation "relu", this run has "tanh"; sigma "default", this run has 0.9');
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);

    // Without --lr the default (0.001) is not taken as a request to change the rate.
    const implicit = train(out, '--model', spec('relu'), '--resume');
    expect(implicit.status).toBe(1);
    expect(errorLines(implicit).at(-1)).toMatch(/cannot resume: it was written with lr 0\.003, this run has 0\.001; schedule\.lr 0\.003, this run has 0\.001 \(the learning rate alone may change on resume/);

    const changed = train(out, '--model', spec('relu'), '--lr', '0.001', '--resume', '--json');
    expect(changed.status).toBe(0);
    expect(JSON.parse(changed.stdout).changes).toEqual([{ step: 8, setting: 'lr', from: 0.003, to: 0.001 }]);
  });

  it('after a divergence, names the command that resumes at a lower rate, and that command is accepted', () => {
    const out = join(dir, 'nan');
    const args = ['--model', spec('relu'), '--epochs', '3', '--lr', '100000', '--schedule', 'constant'];
    const r = train(out, ...args);
    expect(r.status).toBe(1);
    const cmd = `mlp-blocks train --task denoise --dataset synthetic --model '${spec('relu')}' --epochs 3 --batch-size 64 --seed 2 --schedule constant `
      + `--warmup 0 --weight-decay 0.01 --patience 0 --backend cpu --out ${out} --resume --lr 10000`;
    expect(errorLines(r).at(-1)).toMatch(new RegExp(`^mlp-blocks: training diverged: loss is NaN at epoch 2, step \\d+; stopped without applying that step\\. `
      + `To continue from the last checkpoint \\(step 8, ${join(out, 'checkpoint.ckpt')}\\) at a tenth of the learning rate: `));
    expect(errorLines(r).at(-1)!.endsWith(`: ${cmd}.`)).toBe(true);
    expect(existsSync(join(out, 'checkpoint.best.ckpt'))).toBe(true);
    // The suggested command really resumes with the new rate (it may diverge again: these weights are huge).
    const again = train(out, ...args.slice(0, 4), '--schedule', 'constant', '--lr', '10000', '--resume', '--progress', 'log');
    expect(again.stderr).toContain(`resuming from ${join(out, 'checkpoint.ckpt')} at epoch 2, step 8`);
    expect(again.stderr).toContain('learning rate changed on resume: 100000 -> 10000 from step 8');
  });
});

describe.skipIf(!existsSync(cli))('an unwritable --out', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  const bad = join(file, 'sub'); // fails even for root, unlike a chmod 0o555 directory

  it('fails train before any data loads, naming --out, the path and the reason', () => {
    // An empty --data-dir for MNIST: had the data been read first, that would be the error.
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const r = run('train', '--task', 'denoise', '--dataset', 'mnist', '--data-dir', empty, '--model', 'hourglass-tiny', '--backend', 'cpu', '--out', bad);
    expect(r.status).toBe(1);
    expect(errorLines(r).at(-1)).toBe(`mlp-blocks: --out: cannot write to ${bad} (ENOTDIR: not a directory, mkdir '${bad}')`);
  });

  it('fails sweep the same way', () => {
    const grid = join(dir, 'grid.json');
    writeFileSync(grid, JSON.stringify({ task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 128, models: [{ model: 'hourglass', width: 16, bottleneck: 4, depth: 1 }], lrs: [0.003], seeds: [0] }));
    const r = run('sweep', '--grid', grid, '--out', bad, '--backend', 'cpu');
    expect(r.status).toBe(1);
    expect(errorLines(r).at(-1)).toBe(`mlp-blocks: --out: cannot write to ${bad} (ENOTDIR: not a directory, mkdir '${bad}')`);
    expect(existsSync(bad)).toBe(false);
  });

  const root = process.getuid?.() === 0;
  if (root) console.warn('skipping the read-only --out test: running as root, where chmod 0o555 does not stop writes');
  it.skipIf(root)('fails on a read-only directory', async () => {
    const { chmodSync } = await import('node:fs');
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const r = run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass-tiny', '--backend', 'cpu', '--out', ro);
    chmodSync(ro, 0o755);
    expect(r.status).toBe(1);
    expect(errorLines(r).at(-1)).toMatch(new RegExp(`^mlp-blocks: --out: cannot write to ${ro} \\(EACCES: permission denied`));
  });
});
