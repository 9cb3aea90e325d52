// Runs the built `mlp-blocks` binary as a user would (the test command builds before testing).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

describe.skipIf(!existsSync(cli))('mlp-blocks CLI', () => {
  it('params --json prints the closed-form counts of the issue\'s hourglass spec', () => {
    const r = run('params', '--spec', '{"model":"hourglass","inputDim":784,"outputDim":784,"width":1150,"bottleneck":115,"depth":10,"lift":"fixed"}', '--json');
    expect(r.status).toBe(0);
    // trainable: head 1150·784 + 10 blocks × 2·1150·115; non-trainable: lift 784·1150 + BN stats 10 × 2·1150
    expect(JSON.parse(r.stdout)).toEqual({ trainable: 1150 * 784 + 10 * 2 * 1150 * 115, nonTrainable: 784 * 1150 + 10 * 2 * 1150, total: 1150 * 784 + 10 * 2 * 1150 * 115 + 784 * 1150 + 10 * 2 * 1150, maxParams: 100_000_000, overCap: false });
  });

  it('params takes the mixer package\'s presets: Mixer-S/16 within 1% of the published 18.5M', () => {
    const r = run('params', '--spec', '{"model":"mixer","preset":"mixer_s16"}', '--json');
    expect(r.status).toBe(0);
    expect(Math.abs(JSON.parse(r.stdout).trainable / 18.5e6 - 1)).toBeLessThan(0.01);
  });

  it('params takes the gmlp package\'s presets: gMLP-Ti/16 within 1% of timm\'s 5.87M', () => {
    const r = run('params', '--spec', '{"model":"gmlp","preset":"gmlp_ti16"}', '--json');
    expect(r.status).toBe(0);
    expect(Math.abs(JSON.parse(r.stdout).trainable / 5.87e6 - 1)).toBeLessThan(0.01);
  });

  it('params takes the presets train takes, sizing a flat family from --input-dim / --output-dim (784 by default)', () => {
    const mnist = run('params', '--spec', 'hourglass-mnist', '--json');
    expect(mnist.status, mnist.stderr).toBe(0);
    expect(JSON.parse(mnist.stdout).trainable).toBe(1_953_080);
    const superres = run('params', '--spec', 'hourglass_mnist', '--input-dim', '196', '--json');
    expect(JSON.parse(superres.stdout).trainable).toBe(196 * 785 + 785 * 784 + 4 * 2 * 785 * 115);
  });

  it('params reads a spec file and counts the conventional network', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-cli-'));
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify({ model: 'conventional', inputDim: 784, outputDim: 784, hidden: 1150, depth: 2 }));
    const r = run('params', '--spec', file, '--json');
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).trainable).toBe(784 * 784 * 2 + 2 * 2 * 784 * 1150);
  });

  it('params fails clearly on an unknown model, a bad option and a missing file', () => {
    const unknown = run('params', '--spec', '{"model":"hourglas"}');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown model "hourglas"\. Registered: conventional, .*gmlp, .*hourglass, .*mixer/);
    const bad = run('params', '--spec', '{"model":"hourglass","inputDim":784,"outputDim":784,"width":1150,"bottleneck":115,"depth":-1}');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('hourglassMlp: option "depth" must be a positive integer, received -1');
    const missing = run('params', '--spec', 'no-such-spec.json');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--spec: "no-such-spec.json" is neither inline JSON nor an existing file');
  });

  it('info --json lists the hourglass block and models, and exits', () => {
    const r = run('info', '--json', '--backend', 'wasm');
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe('wasm');
    expect(info.blocks).toContain('ResidualMlpBlock');
    expect(info.models).toEqual(expect.arrayContaining(['conventional', 'gmlp', 'hourglass', 'mixer', 'resmlp', 'tsmixer']));
    // the backend report travels with it: every backend, usable or with its reason
    expect(info.report.backends.map((b: { name: string }) => b.name)).toEqual(['cuda', 'webgpu', 'tensorflow', 'blas', 'wasm', 'cpu']);
    expect(info.report.backends.find((b: { name: string }) => b.name === 'cuda')).toMatchObject({ usable: false, kind: expect.stringMatching(/^no-(binding|gpu)$/) });
  });

  it('info prints the backend table, defaults to auto, and rejects an unknown backend naming the value', () => {
    const r = run('info');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^backend\s+usable\s+version\s+detail \/ why not$/m);
    // no binding (npm rebuild …), or one provisioned on CPU libraries (pnpm provision:tensorflow): no CUDA device
    expect(r.stdout).toMatch(/^cuda\s+no\s+.*(npm rebuild @tensorflow\/tfjs-node-gpu|no CUDA device is visible)/m);
    // auto skips the software WebGPU adapter and takes tensorflow where its binding is provisioned (pnpm
    // provision:tensorflow), else blas (its addon is built here; the CLI imports it) over wasm
    const tensorflow = /^tensorflow\s+yes\s/m.test(r.stdout);
    if (tensorflow) expect(r.stdout).toMatch(/^backend\s+tensorflow \(libtensorflow on the CPU\)$/m);
    else expect(r.stdout).toMatch(/^backend\s+blas \(wasm kernels with OpenBLAS products .*\)$/m);
    expect(r.stdout).toMatch(tensorflow ? /^auto picks: tensorflow$/m : /^auto picks: blas$/m);
    const bad = run('info', '--backend', 'gpu');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.split('\n').filter((l) => l.trim() !== '')).toEqual(['mlp-blocks: --backend must be one of auto, cuda, webgpu, tensorflow, blas, wasm, cpu, received "gpu"']);
  });

  it('rejects an unknown backend with the value received', () => {
    const r = run('info', '--backend', 'tpu');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('must be one of auto, cuda, webgpu, tensorflow, blas, wasm, cpu, received "tpu"');
  });
});
