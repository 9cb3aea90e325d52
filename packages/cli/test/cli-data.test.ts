// Real data through the CLI: the default loader over @mlp-blocks/datasets (bundled MNIST, one-line errors for
// data sets that are not here), `train` on real MNIST, and `data inspect` on named sets and on files.
import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/hourglass';
import { loadBlocksModel } from '@mlp-blocks/core';
import { fileSystem } from '@mlp-blocks/core/node';
import { loadTask } from '@mlp-blocks/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '@mlp-blocks/train';
import { loadSplits } from '../src/index.js';
import { cli, errorLines, run, runWithEnv } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-cli-data-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the default data loader', () => {
  it('serves the data set\'s own train / eval / test splits of MNIST, flattened, with the image shape', async () => {
    const before = tf.memory().numTensors;
    const s = await loadSplits({ task: 'denoise', dataset: 'mnist', seed: 0, limit: 300 });
    expect([s.train.size, s.eval.size, s.test!.size]).toEqual([300, 10000, 10000]);
    expect(s.train.name).toBe('mnist/denoise/train[:300]');
    expect([s.train.inputShape, s.train.targetShape]).toEqual([[784], [784]]);
    expect(s.imageShape).toEqual([28, 28, 1]);
    // The limited set is the head of datasets' own training split: same examples, same noise.
    const full = await loadTask({ dataset: 'mnist', task: 'denoise', split: 'train' });
    const idx = [0, 7, 299];
    const a = s.train.batch(idx, 3);
    const b = full.batch(idx, 3);
    expect(Array.from(await a.x.data())).toEqual(Array.from(await b.x.data()));
    expect(Array.from(await a.y.data())).toEqual(Array.from(await b.y.data()));
    tf.dispose([a.x, a.y, b.x, b.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes --sigma to the task and sizes super-resolution inputs from the data', async () => {
    const clean = await loadSplits({ task: 'denoise', dataset: 'mnist', seed: 0, sigma: 0 });
    const { x, y } = clean.test!.batch([0, 1], 0);
    expect(Array.from(await x.data())).toEqual(Array.from(await y.data())); // no noise: input = target
    tf.dispose([x, y]);
    const sr = await loadSplits({ task: 'superres', dataset: 'mnist', seed: 0 });
    expect([sr.train.inputShape, sr.train.targetShape]).toEqual([[196], [784]]);
  });

  it('an unavailable data set is one line naming --dataset and what to do', async () => {
    const cache = join(dir, 'empty-cache');
    mkdirSync(cache);
    const r = runWithEnv({ MLP_BLOCKS_OFFLINE: '1', MLP_BLOCKS_CACHE: cache }, 'train', '--task', 'classify', '--dataset', 'cifar10', '--model', 'hourglass-tiny', '--out', join(dir, 'never'));
    expect(r.status).toBe(1);
    expect(errorLines(r)).toEqual([`mlp-blocks: --dataset cifar10: cifar10: not in the cache, and downloads are off; put the files in ${join(cache, 'cifar10')} or pass --data-dir DIR (\`mlp-blocks data inspect cifar10\` lists them)`]);
    const inet = runWithEnv({ MLP_BLOCKS_IMAGENET32: undefined }, 'train', '--task', 'denoise', '--dataset', 'imagenet32', '--model', 'hourglass-tiny', '--out', join(dir, 'never'));
    expect(inet.status).toBe(1);
    expect(errorLines(inet)).toHaveLength(1);
    expect(errorLines(inet)[0]).toMatch(/^mlp-blocks: --dataset imagenet32: imagenet32: ImageNet-32 cannot be downloaded automatically: .*https:\/\/image-net\.org\/download-images.* pass it as --data-dir \(or set MLP_BLOCKS_IMAGENET32\)$/);
    const missing = run('train', '--task', 'denoise', '--dataset', 'imagenet32', '--data-dir', dir, '--model', 'hourglass-tiny', '--out', join(dir, 'never'));
    expect(errorLines(missing)).toHaveLength(1);
    expect(errorLines(missing)[0]).toMatch(new RegExp(`^mlp-blocks: --dataset imagenet32: imagenet32: files missing from ${dir}\\.`));
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe.skipIf(!existsSync(cli))('mlp-blocks train on real MNIST', () => {
  it('trains on the first --limit examples and its saved model scores the recorded test PSNR', async () => {
    const out = join(dir, 'mnist');
    const r = run('train', '--task', 'denoise', '--dataset', 'mnist', '--model', '{"model":"hourglass","width":64,"bottleneck":16,"depth":1}',
      '--epochs', '1', '--limit', '1000', '--batch-size', '100', '--lr', '0.003', '--out', out, '--json', '--progress', 'none');
    expect(r.status, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ family: 'hourglass', metricName: 'psnr', epochsRun: 1, steps: 10 });
    expect(record.config).toMatchObject({ dataset: 'mnist', limit: 1000, spec: { inputDim: 784, outputDim: 784 } });
    expect(record.config.sigma).toBeUndefined();
    const samples = JSON.parse(readFileSync(join(out, 'samples.json'), 'utf8'));
    expect(samples.imageShape).toEqual([28, 28, 1]);

    // Independently: the saved best model on datasets' own MNIST test split gives the recorded scores.
    const model = await loadBlocksModel(fileSystem(join(out, 'model')));
    const test = await loadTask({ dataset: 'mnist', task: 'denoise', split: 'test' });
    const ev = await evaluate(model, test, { batchSize: 100 });
    expect(ev.loss).toBeCloseTo(record.testLoss, 5);
    expect(ev.metric).toBeCloseTo(record.testMetric, 3);
    model.dispose();
  });
});

describe.skipIf(!existsSync(cli))('mlp-blocks data inspect', () => {
  /** An IDX ubyte file of `count` images of rows × cols, holding `have` bytes of pixel data. */
  const idx = (count: number, rows: number, cols: number, have = count * rows * cols) => {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x00000803, 0);
    header.writeUInt32BE(count, 4);
    header.writeUInt32BE(rows, 8);
    header.writeUInt32BE(cols, 12);
    return Buffer.concat([header, Buffer.from(Array.from({ length: have }, (_, i) => i % 256))]);
  };

  it('describes bundled MNIST with the SHA-256 of the files it found', () => {
    const r = run('data', 'inspect', 'mnist', '--json');
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ kind: 'dataset', name: 'mnist', train: 60000, test: 10000, shape: [28, 28, 1], classes: 10, present: true, splits: { train: 50000, eval: 10000, test: 10000 } });
    for (const name of ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) expect(info.sha256[name]).toBe(sha256(join(info.location, name)));
    const human = run('data', 'inspect', 'mnist');
    expect(human.stdout.split('\n').slice(0, 2)).toEqual(['MNIST (mnist): 60,000 training + 10,000 test images of 28×28×1, 10 classes', 'splits: train 50,000, eval 10,000, test 10,000']);
  });

  it('describes an IDX file, and a truncated one fails with one line naming the file', () => {
    const good = join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(good, idx(3, 4, 5));
    const r = run('data', 'inspect', good, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'file', format: 'idx', count: 3, test: 3, train: null, shape: [4, 5, 1], bytes: 16 + 60, sha256: sha256(good) });
    expect(run('data', 'inspect', good).stdout).toBe(`t10k-images-idx3-ubyte: idx, 3 test examples of 4×5×1, 76 bytes\nsha256 ${sha256(good)}\n`);

    const cut = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(cut, idx(3, 4, 5, 59)); // one pixel short
    const bad = run('data', 'inspect', cut);
    expect(bad.status).toBe(1);
    expect(errorLines(bad)).toHaveLength(1);
    expect(errorLines(bad)[0]).toMatch(new RegExp(`^mlp-blocks: ${cut}: truncated data: `));

    const none = run('data', 'inspect', join(dir, 'no-such-file'));
    expect(errorLines(none)).toEqual([`mlp-blocks: ${join(dir, 'no-such-file')}: unsupported format: neither a data set name (mnist, fashion-mnist, cifar10, cifar100, imagenet32) nor a readable file`]);
  });

  it('a damaged cached archive: inspect and an offline train both report its checksum, and leave it as it is', () => {
    const cache = join(dir, 'damaged-cache');
    mkdirSync(join(cache, 'cifar10'), { recursive: true });
    const archive = join(cache, 'cifar10', 'cifar-10-binary.tar.gz');
    writeFileSync(archive, Buffer.from('not the CIFAR-10 archive'));
    const want = `${archive}: SHA-256 mismatch: expected c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd, got ${sha256(archive)}; the cached file was left as it is (downloads are off); delete it, or load with downloads on to replace it`;
    const inspect = runWithEnv({ MLP_BLOCKS_CACHE: cache }, 'data', 'inspect', 'cifar10');
    expect(inspect.status).toBe(1);
    expect(errorLines(inspect)).toEqual([`mlp-blocks: ${want}`]);
    // train loads its three splits in parallel: the checksum error, not a derived "not in the cache", reaches the user.
    const train = runWithEnv({ MLP_BLOCKS_OFFLINE: '1', MLP_BLOCKS_CACHE: cache }, 'train', '--task', 'classify', '--dataset', 'cifar10', '--model', 'hourglass-tiny', '--out', join(dir, 'never'));
    expect(train.status).toBe(1);
    expect(errorLines(train)).toEqual([`mlp-blocks: --dataset cifar10: ${want}`]);
    expect(readFileSync(archive, 'utf8')).toBe('not the CIFAR-10 archive');
    expect(readdirSync(join(cache, 'cifar10'))).toEqual(['cifar-10-binary.tar.gz']);
  });

  it('an IDX label file holding a label the loaders refuse fails as they do', () => {
    const labels = join(dir, 't10k-labels-idx1-ubyte');
    const header = Buffer.alloc(8);
    header.writeUInt32BE(0x00000801, 0);
    header.writeUInt32BE(3, 4);
    writeFileSync(labels, Buffer.concat([header, Buffer.from([1, 10, 2])]));
    expect(errorLines(run('data', 'inspect', labels))).toEqual([`mlp-blocks: ${labels}: label out of range: label 10 at index 1 is outside [0, 9]`]);
  });
});
