// `mlp-blocks evaluate` and `mlp-blocks predict` on the built binary, against tiny synthetic runs trained here.
import '@tensorflow/tfjs-backend-cpu';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/hourglass';
import { loadModel } from '@mlp-blocks/core/node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTask } from '../src/index.js';
import { cli, errorLines, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-cli-evaluate-'));
const denoiseRun = join(dir, 'denoise');
const classifyRun = join(dir, 'classify');
const SPEC = '{"model":"hourglass","width":48,"bottleneck":8,"depth":2,"lift":"trainable"}';

function train(task: string, out: string): Record<string, unknown> {
  const r = run('train', '--task', task, '--dataset', 'synthetic', '--model', SPEC, '--epochs', '2', '--batch-size', '64', '--lr', '0.003',
    '--backend', 'cpu', '--out', out, '--json', '--progress', 'none');
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** A .npy file's header fields and float32 values, read independently of the CLI's writer. */
function readNpy(file: string): { descr: string; fortran: string; shape: number[]; values: Float32Array; headerEnd: number } {
  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const length = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + length).toString('latin1');
  expect(header.endsWith('\n')).toBe(true);
  const m = /^\{'descr': '([^']+)', 'fortran_order': (\w+), 'shape': \(([^)]*)\), \} *\n$/.exec(header);
  if (!m) throw new Error(`bad header ${JSON.stringify(header)}`);
  const data = bytes.subarray(10 + length);
  const values = new Float32Array(data.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = data.readFloatLE(4 * i);
  return { descr: m[1]!, fortran: m[2]!, shape: m[3]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number), values, headerEnd: 10 + length };
}

/** A little-endian float32 .npy file, written by hand. */
function writeNpy(file: string, values: Float32Array, shape: number[]): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const body = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => body.writeFloatLE(v, 4 * i));
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

/** The last line a failed command printed (the cpu backend prints a banner first). */
const lastError = (r: ReturnType<typeof run>) => errorLines(r).at(-1);

let denoise: Record<string, unknown>;
let classify: Record<string, unknown>;
beforeAll(async () => {
  await tf.setBackend('cpu');
  if (!existsSync(cli)) return;
  denoise = train('denoise', denoiseRun);
  classify = train('classify', classifyRun);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync(cli))('mlp-blocks evaluate', () => {
  it('scores a run on its test split as the run recorded, and its model folder the same', () => {
    const r = run('evaluate', denoiseRun, '--backend', 'cpu', '--json');
    expect(r.status, r.stderr).toBe(0);
    const ev = JSON.parse(r.stdout);
    const test = syntheticTask('denoise').test!;
    expect(ev).toMatchObject({ kind: 'run', task: 'denoise', dataset: 'synthetic', split: 'test', examples: test.size, batchSize: 64, metricName: 'psnr' });
    expect(ev.metric).toBeCloseTo(denoise['testMetric'] as number, 5);
    expect(ev.loss).toBeCloseTo(denoise['testLoss'] as number, 7);
    // <run>/model finds the run's settings beside it.
    const viaModel = JSON.parse(run('evaluate', join(denoiseRun, 'model'), '--backend', 'cpu', '--json').stdout);
    expect(viaModel).toMatchObject({ kind: 'model', metric: ev.metric, loss: ev.loss, batchSize: 64 });

    const cls = JSON.parse(run('evaluate', classifyRun, '--backend', 'cpu', '--json').stdout);
    expect(cls.metricName).toBe('accuracy');
    expect(cls.metric).toBeCloseTo(classify['testMetric'] as number, 6);
  });

  it('takes --limit, --split and the text form', () => {
    const r = run('evaluate', denoiseRun, '--backend', 'cpu', '--limit', '10', '--split', 'eval', '--batch-size', '5');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^eval psnr \d+\.\d\d dB, loss \d\.\d{5} on 10 examples of synthetic\/denoise\/eval \(run .*denoise, batch 5\)\n$/);
  });

  it('needs --task and --dataset for a bare model folder, and then scores it', () => {
    const bare = join(dir, 'bare');
    cpSync(join(denoiseRun, 'model'), bare, { recursive: true });
    const without = run('evaluate', bare, '--backend', 'cpu');
    expect(without.status).toBe(1);
    expect(lastError(without)).toBe(`mlp-blocks: model ${bare} does not record what it was trained on (no result.json beside it): pass --task and --dataset`);
    const r = run('evaluate', join(bare, 'model.json'), '--task', 'denoise', '--dataset', 'synthetic', '--batch-size', '64', '--backend', 'cpu', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).metric).toBeCloseTo(denoise['testMetric'] as number, 5);
  });

  it('names the path it cannot use', () => {
    const missing = join(dir, 'no-such-run');
    const r = run('evaluate', missing);
    expect(r.status).toBe(1);
    expect(errorLines(r)).toEqual([`mlp-blocks: ${missing} does not exist`]);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(errorLines(run('evaluate', empty))).toEqual([`mlp-blocks: ${empty} holds neither a run (result.json) nor a model (model.json)`]);
    const noModel = join(dir, 'no-model');
    mkdirSync(noModel);
    cpSync(join(denoiseRun, 'result.json'), join(noModel, 'result.json'));
    expect(errorLines(run('evaluate', noModel))).toEqual([
      `mlp-blocks: ${noModel} is a run without a saved model (no ${join(noModel, 'model', 'model.json')}); train keeps one, sweep only with --keep-models`,
    ]);
    // A damaged result.json is named with the field.
    const damaged = join(dir, 'damaged');
    cpSync(denoiseRun, damaged, { recursive: true });
    const record = JSON.parse(readFileSync(join(damaged, 'result.json'), 'utf8'));
    writeFileSync(join(damaged, 'result.json'), JSON.stringify({ ...record, config: { ...record.config, batchSize: '64' } }));
    expect(errorLines(run('evaluate', damaged))).toEqual([`mlp-blocks: ${join(damaged, 'result.json')}: config.batchSize must be a positive integer, received "64"`]);
    writeFileSync(join(damaged, 'result.json'), JSON.stringify({ ...record, config: { ...record.config, task: 'constructor' } }));
    expect(errorLines(run('evaluate', damaged))).toEqual([`mlp-blocks: ${join(damaged, 'result.json')}: config.task must be one of denoise, superres, genclass, classify, received "constructor"`]);
    writeFileSync(join(damaged, 'result.json'), '{"config":');
    expect(errorLines(run('evaluate', damaged))[0]).toMatch(new RegExp(`^mlp-blocks: ${join(damaged, 'result.json')}: cannot read the run's result \\(`));
    expect(errorLines(run('evaluate', 'no_such_model'))[0]).toMatch(/does not exist, and "no_such_model" is not a registered pretrained model \(none registered: load them with --plugin @mlp-blocks\/pretrained\)$/);
  });
});

describe.skipIf(!existsSync(cli))('mlp-blocks predict', () => {
  it('writes N PNGs of the image outputs and .npy files holding the model\'s outputs', async () => {
    const out = join(dir, 'pred');
    const r = run('predict', denoiseRun, '--out', out, '--count', '5', '--backend', 'cpu', '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const pngs = ['output-0000.png', 'output-0001.png', 'output-0002.png', 'output-0003.png', 'output-0004.png'];
    expect(summary).toMatchObject({ kind: 'run', source: 'synthetic/denoise/test', count: 5, inputShape: [64], outputShape: [64] });
    expect(summary.classes).toBeUndefined();
    expect(readdirSync(out).sort()).toEqual(['inputs.npy', ...pngs, 'outputs.npy', 'targets.npy']);

    // The model's own outputs on the first five test examples, computed here.
    const model = await loadModel(join(denoiseRun, 'model'));
    const { x, y } = syntheticTask('denoise').test!.batch([0, 1, 2, 3, 4], 0);
    const expected = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    const outputs = readNpy(join(out, 'outputs.npy'));
    expect(outputs).toMatchObject({ descr: '<f4', fortran: 'False', shape: [5, 64] });
    expect(outputs.headerEnd % 64).toBe(0);
    expect(Array.from(outputs.values)).toEqual(Array.from(expected));
    expect(Array.from(readNpy(join(out, 'inputs.npy')).values)).toEqual(Array.from(x.dataSync()));
    expect(readNpy(join(out, 'targets.npy')).shape).toEqual([5, 64]);

    pngs.forEach((name, i) => {
      const png = PNG.sync.read(readFileSync(join(out, name)));
      expect([png.width, png.height]).toEqual([8, 8]);
      for (let p = 0; p < 64; p++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, expected[i * 64 + p]!)));
        expect([png.data[4 * p], png.data[4 * p + 1], png.data[4 * p + 2]]).toEqual([v, v, v]);
      }
    });
    tf.dispose([x, y]);
    model.dispose();
  });

  it('predicts on an .npy file, and gives classes (no PNGs) for a classifier', async () => {
    const inputFile = join(dir, 'in.npy');
    const values = Float32Array.from({ length: 3 * 64 }, (_, i) => (i % 17) / 17);
    writeNpy(inputFile, values, [3, 8, 8]); // any shape with the model's 64 values per example
    const out = join(dir, 'pred-npy');
    const r = run('predict', classifyRun, '--input', inputFile, '--out', out, '--backend', 'cpu', '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ count: 3, inputShape: [8, 8], outputShape: [4], files: ['outputs.npy', 'inputs.npy'] });
    const model = await loadModel(join(classifyRun, 'model'));
    const x = tf.tensor2d(values, [3, 64]);
    const expected = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const outputs = readNpy(join(out, 'outputs.npy'));
    expect(outputs.shape).toEqual([3, 4]);
    expect(Array.from(outputs.values)).toEqual(expected.flat().map((v) => Math.fround(v)));
    expect(summary.classes).toEqual(expected.map((row) => row.indexOf(Math.max(...row))));
    x.dispose();
    model.dispose();
  });

  it('names the files it cannot use', () => {
    const missing = join(dir, 'gone');
    expect(errorLines(run('predict', missing, '--out', join(dir, 'p1')))).toEqual([`mlp-blocks: ${missing} does not exist`]);
    const noFile = join(dir, 'nothing.npy');
    expect(lastError(run('predict', denoiseRun, '--input', noFile, '--out', join(dir, 'p2'), '--backend', 'cpu')))
      .toBe(`mlp-blocks: --input: cannot read ${noFile} (no such file)`);
    const wrong = join(dir, 'wrong.npy');
    writeNpy(wrong, new Float32Array(2 * 10), [2, 10]);
    expect(lastError(run('predict', denoiseRun, '--input', wrong, '--out', join(dir, 'p3'), '--backend', 'cpu')))
      .toBe(`mlp-blocks: --input: ${wrong} has shape (2, 10); run ${denoiseRun} needs (N, 64) or N examples of 64 values`);
  });
});
