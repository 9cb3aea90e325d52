// The habits of a command line (issue 20 item 8): --version, a default run directory, progress with samples/s
// that shows in logs and pipes, --eval-limit, Ctrl-C that stops cleanly and names the resume command, and loss
// curves in the report. Every run here is the synthetic set and a tiny model: seconds each.
import '@tensorflow/tfjs-backend-cpu';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/hourglass';
import { loadBlocksModel } from '@mlp-blocks/core';
import { fileSystem } from '@mlp-blocks/core/node';
import { evaluate } from '@mlp-blocks/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstExamples, syntheticTask } from '../src/index.js';
import { type Run, cli, cliIn, errorLines, readJsonl, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-cli-habits-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRAIN = ['train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass_tiny', '--backend', 'cpu'];
const progressLines = (r: Run) => r.stderr.split('\n').filter((l) => /^(epoch|test) /.test(l));

describe.skipIf(!existsSync(cli))('mlp-blocks habits', () => {
  it('--version and -V print the version of @mlp-blocks/cli', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = run(flag);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('train without --out makes runs/<task>-<model>-<time> and says so first; --resume without --out is refused', () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const r = cliIn(cwd, ...TRAIN, '--epochs', '1', '--progress', 'none');
    expect(r.status, r.stderr).toBe(0);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^run directory: runs\/denoise-hourglass_tiny-\d{8}-\d{6} \(no --out given\)$/);
    const runDir = first.slice('run directory: '.length, first.indexOf(' ('));
    expect(readdirSync(join(cwd, 'runs'))).toEqual([runDir.slice('runs/'.length)]);
    expect(readJsonl(join(cwd, runDir, 'results.jsonl'))).toHaveLength(1);
    expect(r.stdout).toContain(`wrote ${join(cwd, runDir)} (results.jsonl`);
    // A second run in the same second gets its own directory.
    const again = cliIn(cwd, ...TRAIN, '--epochs', '1', '--progress', 'none');
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(join(cwd, 'runs'))).toHaveLength(2);
    const resume = cliIn(cwd, ...TRAIN, '--resume');
    expect(resume.status).toBe(1);
    expect(errorLines(resume)).toEqual(['mlp-blocks: --resume needs --out <dir>, the run directory to continue']);
  });

  it('without a terminal, --log-every 0 logs every step and every eval and test batch with samples/s; by default the first step', () => {
    const r = run(...TRAIN, '--epochs', '1', '--batch-size', '128', '--out', join(dir, 'log-every'), '--log-every', '0');
    expect(r.status, r.stderr).toBe(0);
    const rate = '[\\d,]+ samples/s {2}eta \\d+s';
    expect(progressLines(r)).toEqual([
      ...[1, 2, 3, 4].map((k) => expect.stringMatching(new RegExp(`^epoch 1/1 {2}step ${k}/4 {2}loss \\d\\.\\d{4} {2}lr \\S+ {2}${rate}$`))),
      expect.stringMatching(new RegExp(`^epoch 1/1 eval 1/1 batches {2}${rate}$`)),
      expect.stringMatching(/^epoch 1\/1 {2}loss .* eval_loss .* psnr /),
      expect.stringMatching(new RegExp(`^test 1/1 batches {2}${rate}$`)),
    ]);
    const quiet = run(...TRAIN, '--epochs', '2', '--batch-size', '128', '--out', join(dir, 'log-default'));
    expect(quiet.status, quiet.stderr).toBe(0);
    // A run of a second: the first step's line (training started, how fast), each epoch's, and the test set's first.
    expect(progressLines(quiet)).toEqual([
      expect.stringMatching(new RegExp(`^epoch 1/2 {2}step 1/4 .* ${rate}$`)),
      expect.stringMatching(/^epoch 1\/2 {2}loss /),
      expect.stringMatching(/^epoch 2\/2 {2}loss /),
      expect.stringMatching(new RegExp(`^test 1/1 batches {2}${rate}$`)),
    ]);
  });

  it('--eval-limit evaluates and tests on the first n examples only, and is recorded', async () => {
    const out = join(dir, 'eval-limit');
    const r = run(...TRAIN, '--epochs', '1', '--batch-size', '8', '--eval-limit', '20', '--out', out, '--log-every', '0', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^epoch 1\/1 eval 3\/3 batches /m); // 20 examples in batches of 8
    expect(r.stderr).not.toMatch(/^epoch 1\/1 eval 4\//m);
    expect(r.stderr).toMatch(/^test 3\/3 batches /m);
    const record = JSON.parse(r.stdout);
    expect(record.config.evalLimit).toBe(20);
    // Independent check: the saved best model on the first 20 test examples gives the recorded test loss.
    const model = await loadBlocksModel(fileSystem(join(out, 'model')));
    const ev = await evaluate(model, firstExamples(syntheticTask('denoise').test!, 20), { batchSize: 8 });
    expect(ev.loss).toBeCloseTo(record.testLoss, 6);
    const whole = await evaluate(model, syntheticTask('denoise').test!, { batchSize: 8 });
    expect(whole.loss).not.toBeCloseTo(record.testLoss, 6);
    model.dispose();
    const bad = run(...TRAIN, '--eval-limit', '0', '--out', join(dir, 'never'));
    expect(bad.status).toBe(1);
    expect(errorLines(bad).join('\n')).toContain('--eval-limit must be a positive integer, received "0"');
  });

  it('Ctrl-C stops after the step in flight with exit code 130 and the exact --resume command, which finishes the run', async () => {
    const out = join(dir, 'sigint');
    // 3 epochs of 256 steps (batch 2): seconds of training, interrupted right after its first progress line.
    const child = spawn(process.execPath, [cli, ...TRAIN, '--epochs', '3', '--batch-size', '2', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /^epoch 1\/3 {2}step 1\/256 /m.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(sent).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('interrupted: finishing the current step and writing a checkpoint (Ctrl-C again to quit at once)');
    const m = /^interrupted at epoch 1, step (\d+); its checkpoint is (\S+)\. To continue: (mlp-blocks train .*)$/m.exec(stderr);
    expect(m, stderr).not.toBeNull();
    const [, step, checkpoint, command] = m! as unknown as [string, string, string, string];
    expect(checkpoint).toBe(join(out, 'checkpoint.ckpt'));
    expect(Number(step)).toBeGreaterThan(0);
    expect(Number(step)).toBeLessThan(256);
    expect(command).toBe(`mlp-blocks train --task denoise --dataset synthetic --model hourglass_tiny --epochs 3 --batch-size 2 --seed 0 --schedule linear --warmup 0 --weight-decay 0.01 --patience 0 --backend cpu --out ${out} --resume --lr 0.001`);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);

    const resumed = run(...command.split(' ').slice(1), '--json', '--progress', 'log');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming from ${checkpoint} at epoch 1, step ${step}`);
    const record = JSON.parse(resumed.stdout);
    expect(record).toMatchObject({ epochsRun: 3, steps: 3 * 256 });
    expect(record).not.toHaveProperty('changes'); // the same learning rate: nothing changed on resume
    expect(readJsonl(join(out, 'results.jsonl'))).toEqual([record]);
  });

  it('report draws loss.svg (training and eval loss per epoch) from the records\' history and links it', () => {
    const out = join(dir, 'loss');
    const t = run(...TRAIN, '--epochs', '3', '--batch-size', '64', '--out', out, '--progress', 'none', '--json');
    expect(t.status, t.stderr).toBe(0);
    const record = JSON.parse(t.stdout);
    const r = run('report', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const files = JSON.parse(r.stdout);
    expect(files.lossSvg).toBe(join(out, 'loss.svg'));
    const svg = readFileSync(files.lossSvg, 'utf8');
    expect(svg).toMatch(/^<svg /);
    for (const text of ['loss per epoch', 'epoch', record.id, 'train', 'eval']) expect(svg).toContain(`>${text}</text>`);
    // One line per kind of loss, each through the three epochs (M, then two L segments).
    const lines = [...svg.matchAll(/<path[^>]* d="(M[^"]*)"[^>]*stroke-width="2"/g)].map((p) => p[1]!);
    expect(lines.filter((d) => (d.match(/L/g) ?? []).length === 2)).toHaveLength(2);
    expect(readFileSync(files.markdown, 'utf8')).toContain('![training and eval loss per epoch of the best trial of each family](loss.svg)');

    // Records without a history (written before it existed) draw no loss plot, and the report says nothing of it.
    const old = join(dir, 'no-history');
    mkdirSync(old);
    const { history: _history, ...bare } = record;
    writeFileSync(join(old, 'results.jsonl'), `${JSON.stringify(bare)}\n`);
    const r2 = run('report', old, '--json');
    expect(r2.status, r2.stderr).toBe(0);
    expect(JSON.parse(r2.stdout).lossSvg).toBeNull();
    expect(existsSync(join(old, 'loss.svg'))).toBe(false);
    expect(readFileSync(join(old, 'report.md'), 'utf8')).not.toContain('loss.svg');
  });
});
