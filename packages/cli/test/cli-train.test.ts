// `mlp-blocks train` end to end on the built binary, and the argument errors of every new command.
import '@tensorflow/tfjs-backend-cpu';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/hourglass';
import { loadBlocksModel } from '@mlp-blocks/core';
import { fileSystem } from '@mlp-blocks/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '@mlp-blocks/train';
import { syntheticTask } from '../src/index.js';
import { cli, errorLines, readJsonl, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-cli-train-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = '{"model":"hourglass","width":48,"bottleneck":8,"depth":2,"lift":"trainable"}';

describe.skipIf(!existsSync(cli))('mlp-blocks train', () => {
  it('trains on the synthetic set, writes the run directory, and its saved best model scores what it reports', async () => {
    const out = join(dir, 'run');
    const r = run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', SPEC, '--epochs', '2', '--batch-size', '64',
      '--lr', '0.003', '--backend', 'cpu', '--seed', '4', '--out', out, '--json', '--progress', 'log');
    expect(r.stderr).toMatch(/epoch 2\/2 {2}loss/);
    expect(r.status).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ family: 'hourglass', metricName: 'psnr', epochsRun: 2, steps: 16, dir: '.' });
    expect(record.config.spec).toMatchObject({ inputDim: 64, outputDim: 64, width: 48 });
    expect(record.params.trainable).toBe(64 * 48 + 48 * 64 + 2 * 2 * 48 * 8);
    expect(readJsonl(join(out, 'results.jsonl'))).toEqual([record]);
    for (const f of ['checkpoint.ckpt', 'samples.json', 'result.json', 'model/model.json', 'model/weights.bin']) expect(existsSync(join(out, f)), f).toBe(true);

    // Independent check: the saved model, loaded back here, gives the recorded test loss and PSNR.
    const model = await loadBlocksModel(fileSystem(join(out, 'model')));
    const ev = await evaluate(model, syntheticTask('denoise').test!, { batchSize: 64 });
    expect(ev.loss).toBeCloseTo(record.testLoss, 6);
    expect(ev.metric).toBeCloseTo(record.testMetric, 4);
    model.dispose();

    // Same --out again: refused without --resume; with --resume the finished result is printed, not retrained.
    const again = run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', SPEC, '--epochs', '2', '--batch-size', '64', '--lr', '0.003', '--backend', 'cpu', '--seed', '4', '--out', out);
    expect(again.status).toBe(1);
    expect(errorLines(again)).toEqual([`mlp-blocks: --out: ${out} already holds a finished run; choose another directory (or --resume to print its result)`]);
    const resumed = run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', SPEC, '--epochs', '2', '--batch-size', '64', '--lr', '0.003', '--backend', 'cpu', '--seed', '4', '--out', out, '--resume', '--json');
    expect(resumed.status).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual(record);
  });

  it('trains a classifier from a preset on the default (wasm) backend', () => {
    const out = join(dir, 'classify');
    const r = run('train', '--task', 'classify', '--dataset', 'synthetic', '--model', 'hourglass-tiny', '--epochs', '2', '--batch-size', '64', '--lr', '0.003', '--out', out, '--json', '--progress', 'none');
    expect(r.status).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.metricName).toBe('accuracy');
    expect(record.config.spec).toMatchObject({ outputDim: 4, outputActivation: 'linear' });
    expect(record.testMetric).toBeGreaterThan(0.5); // four balanced-ish classes: chance is about 0.25
  });

  it('trains a gMLP image classifier on the flat synthetic images, and reports its accuracy', () => {
    const out = join(dir, 'gmlp');
    const spec = JSON.stringify({ model: 'gmlp', patchSize: 4, depth: 1, embedDim: 16, channelMlpDim: 32 });
    const r = run('train', '--task', 'classify', '--dataset', 'synthetic', '--model', spec, '--epochs', '3', '--batch-size', '32', '--lr', '0.01', '--backend', 'cpu', '--out', out, '--json', '--progress', 'none');
    expect(r.status, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    // Image facts come from the 8×8×1 synthetic images and their 4 classes.
    expect(record.config.spec).toMatchObject({ imageSize: [8, 8], inputChannels: 1, numClasses: 4, inputDim: 64 });
    expect(record.testMetric).toBeGreaterThan(0.4); // chance is about 0.25
    const rep = run('report', out, '--json');
    expect(rep.status, rep.stderr).toBe(0);
    const md = readFileSync(JSON.parse(rep.stdout).markdown, 'utf8');
    expect(md).toContain('test accuracy of the best-eval-loss weights (share of test examples classified correctly).');
  });

  it('reads --model from a JSON file', () => {
    const file = join(dir, 'spec.json');
    writeFileSync(file, SPEC);
    const r = run('train', '--task', 'superres', '--dataset', 'synthetic', '--model', file, '--epochs', '1', '--batch-size', '128', '--backend', 'cpu', '--out', join(dir, 'sr'), '--json', '--progress', 'none');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).config.spec).toMatchObject({ inputDim: 16, outputDim: 64 });
  });
});

describe.skipIf(!existsSync(cli))('invalid arguments exit non-zero with one line naming the argument', () => {
  const base = ['--dataset', 'synthetic', '--model', 'hourglass-tiny', '--out', join(dir, 'never')];
  it.each([
    [['train', '--task', 'inpaint', ...base], "error: option '--task <name>' argument 'inpaint' is invalid. --task must be one of denoise, superres, genclass, classify, received \"inpaint\""],
    [['train', '--task', 'denoise', ...base, '--epochs', '-3'], "error: option '--epochs <n>' argument '-3' is invalid. --epochs must be a positive integer, received \"-3\""],
    [['train', '--task', 'denoise', ...base, '--epochs', '0'], "error: option '--epochs <n>' argument '0' is invalid. --epochs must be a positive integer, received \"0\""],
    [['train', '--task', 'denoise', ...base, '--lr', 'fast'], "error: option '--lr <rate>' argument 'fast' is invalid. --lr must be a positive number written in decimal, received \"fast\""],
    [['train', '--task', 'denoise', '--dataset', 'mnist2', '--model', 'hourglass-tiny', '--out', 'x'], "error: option '--dataset <name>' argument 'mnist2' is invalid. --dataset must be one of mnist, fashion-mnist, cifar10, cifar100, imagenet32, synthetic, received \"mnist2\""],
    [['train', '--task', 'denoise', '--dataset', 'synthetic', '--model', '{"model":"hourglass","width":32,"bottleneck":4,"depth":-1}', '--out', join(dir, 'never'), '--backend', 'cpu'],
      'mlp-blocks: --model: hourglassMlp: option "depth" must be a positive integer, received -1'],
    [['train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass-huge', '--out', join(dir, 'never'), '--backend', 'cpu'],
      'mlp-blocks: --model: unknown preset "hourglass-huge"; presets and families: conventional, conventional_mnist, conventional_tiny, gmlp, gmlp_b16, gmlp_cifar10, gmlp_mnist, gmlp_s16, gmlp_ti16, hourglass, hourglass_fixed, hourglass_mnist, hourglass_tiny, mixer, mixer_b16, mixer_nano, mixer_s16, resmlp, resmlp_12, resmlp_24, tsmixer, or give a JSON spec such as {"model":"hourglass",...}'],
    [['train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass-tiny', '--out', join(dir, 'never'), '--sigma', '-0.1'],
      "error: option '--sigma <std>' argument '-0.1' is invalid. --sigma must be a non-negative number, received \"-0.1\""],
    [['train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass-tiny', '--out', join(dir, 'never'), '--limit', '0'],
      "error: option '--limit <n>' argument '0' is invalid. --limit must be a positive integer, received \"0\""],
    [['train', '--dataset', 'synthetic', '--model', 'hourglass-tiny', '--out', 'x'], "error: required option '--task <name>' not specified"],
    [['sweep', '--grid', 'g.json', '--out', 'x', '--shard', '3/3'], 'error: option \'--shard <k/n>\' argument \'3/3\' is invalid. --shard must be k/n with 0 <= k < n (k is 0-based), received "3/3"'],
    [['sweep', '--grid', 'no-such-grid.json', '--out', 'x'], /^mlp-blocks: --grid no-such-grid.json: cannot read it \(ENOENT/],
    [['report', join(dir, 'empty')], `mlp-blocks: report: ${join(dir, 'empty')} holds no results.jsonl (run \`mlp-blocks train\` or \`sweep\` with --out ${join(dir, 'empty')} first)`],
  ])('%j', (args, message) => {
    const r = run(...args);
    expect(r.status).not.toBe(0);
    const lines = errorLines(r);
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('a grid that fails validation names the file and key', () => {
    const file = join(dir, 'bad-grid.json');
    writeFileSync(file, JSON.stringify({ task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 8, lrs: [-1], seeds: [0], models: [{ model: 'hourglass' }] }));
    const r = run('sweep', '--grid', file, '--out', join(dir, 'never'));
    expect(r.status).toBe(1);
    expect(errorLines(r)).toEqual([`mlp-blocks: --grid ${file}: "lrs" must be a non-empty list of positive numbers, received [-1]`]);
    expect(JSON.parse(readFileSync(file, 'utf8')).lrs).toEqual([-1]);
  });
});
