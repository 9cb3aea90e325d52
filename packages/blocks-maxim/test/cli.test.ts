// The family through the built mlp-blocks CLI as a plugin, with nothing in core, train or the CLI naming it
// (issue 24's "works in mlp-blocks train/params without any edit to core or train"): `params` counts the preset
// as the closed form does, `train` trains it on real MNIST and saves it, and `evaluate` reloads the saved model
// (which needs the plugin's layer classes) and scores exactly what `train` reported.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specParams } from '@mlp-blocks/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';

const cli = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));
// This package's own folder: the plugin resolves from the working directory's package.json, as in a user's project.
const here = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'maxim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mlpBlocks(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  expect(existsSync(cli), `the CLI is not built (${cli}): run pnpm build`).toBe(true);
  const r = spawnSync(process.execPath, [cli, ...args, '--plugin', '@mlp-blocks/maxim'], { cwd: here, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mlp-blocks with --plugin @mlp-blocks/maxim', () => {
  it('params counts maxim_mnist as the closed form does', () => {
    const r = mlpBlocks('params', '--spec', 'maxim_mnist', '--json');
    expect(r.status, r.stderr).toBe(0);
    const counted = JSON.parse(r.stdout);
    const closed = specParams({ model: 'maxim_mnist', inputDim: 784, outputDim: 784 });
    expect({ trainable: counted.trainable, nonTrainable: counted.nonTrainable }).toEqual({ trainable: closed.trainable, nonTrainable: closed.nonTrainable });
    expect(counted.trainable).toBe(197_157);
  });

  it('train denoises real MNIST with maxim_mnist, and evaluate reloads the saved model to the same test score', () => {
    const out = join(dir, 'run');
    const common = ['--backend', 'wasm', '--limit', '64'];
    const train = mlpBlocks('train', '--task', 'denoise', '--dataset', 'mnist', '--model', 'maxim_mnist', '--eval-limit', '64', '--batch-size', '32', '--epochs', '1', '--seed', '0', '--out', out, ...common);
    expect(train.status, train.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.family).toBe('maxim');
    expect(result.params.trainable).toBe(197_157);
    expect(result.steps).toBe(2);
    expect(Number.isFinite(result.testMetric)).toBe(true);
    const evaluated = mlpBlocks('evaluate', out, '--json', ...common);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const scored = JSON.parse(evaluated.stdout);
    expect(scored.examples).toBe(64);
    expect(scored.metric).toBe(result.testMetric);
    expect(scored.loss).toBe(result.testLoss);
  }, 240_000);
});
