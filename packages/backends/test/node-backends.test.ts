// The Node adapters against the real packages installed in this workspace: cpu and wasm start, WebGPU starts
// through Dawn on Mesa's software GL (a machine without a GPU), and @tensorflow/tfjs-node(-gpu) run on
// libtensorflow once `pnpm provision:tensorflow` built their binding from the tensorflow-cpu wheel. Without it
// (a fresh install: their download step never runs here) the tests take the failure path users without the
// binding hit; in CI (CI=true or MLP_BLOCKS_TENSORFLOW=required) a missing binding fails instead.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  backendReport,
  ConfigError,
  formatBackendReport,
  listBackends,
  useBackend,
} from '../src/node.js';

/** Whether the package's tfjs_binding.node exists where it looks for it (node-pre-gyp's path). */
function hasBinding(packageName: string): boolean {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve(`${packageName}/package.json`);
  const find = (createRequire(pkg)('@mapbox/node-pre-gyp') as { find(p: string): string }).find;
  return existsSync(find(pkg));
}
const required = process.env['CI'] === 'true' || process.env['MLP_BLOCKS_TENSORFLOW'] === 'required';
const provisioned = hasBinding('@tensorflow/tfjs-node');
const gpuProvisioned = hasBinding('@tensorflow/tfjs-node-gpu');
if (!provisioned) console.warn('tensorflow tests take the no-binding path: tfjs-node has no binding here (pnpm provision:tensorflow builds it)');

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('useBackend (Node)', () => {
  it('rejects an unknown name, listing the registered ones and saying that provider packages register on import', async () => {
    await expect(useBackend('gpu')).rejects.toThrow(ConfigError);
    await expect(useBackend('gpu')).rejects.toThrow(
      'useBackend: option "name" must be one of "auto", "cuda", "webgpu", "tensorflow", "wasm", "cpu", received "gpu". ' +
        'A backend from a provider package is registered when that package is imported: import it before calling useBackend.',
    );
    await expect(useBackend(7 as never)).rejects.toThrow(/option "name" must be one of "auto", .*received 7$/);
  });

  it('lists the built-in providers in rank order', () => {
    expect(listBackends().map((b) => [b.name, b.rank, b.auto, b.platforms.join()])).toEqual([
      ['cuda', 100, true, 'node'],
      ['webgpu', 300, true, 'node'],
      ['tensorflow', 350, true, 'node'],
      ['wasm', 500, true, 'node'],
      ['cpu', 600, true, 'node'],
    ]);
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(useBackend('wasm', { threads: 0 })).rejects.toThrow(/option "threads" must be a positive integer, received 0/);
  });

  it('starts cpu and wasm and leaves tfjs on them', async () => {
    const cpu = await useBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await useBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.detail).toMatch(/SIMD on, 1 thread/);
    // the wasm binary was found inside node_modules without any path configuration: it computes
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
    expect(y).toBe(11);
  });

  it('in CI the binding must be there: provisioning is part of .ci/run', () => {
    if (required) expect({ provisioned, gpuProvisioned }).toEqual({ provisioned: true, gpuProvisioned: true });
  });

  it.skipIf(gpuProvisioned)('cuda with tfjs-node-gpu installed but no binding: rejects with what is missing and the command that fixes it', async () => {
    await useBackend('cpu');
    const error = await useBackend('cuda').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const e = error as BackendUnavailableError;
    expect(e.kind).toBe('no-binding');
    expect(e.message).toMatch(/@tensorflow\/tfjs-node-gpu is installed but its native addon \(tfjs_binding\.node/);
    expect(e.fix).toMatch(/^npm rebuild @tensorflow\/tfjs-node-gpu/);
    expect(e.fix).toMatch(/CUDA 11\.2 \+ cuDNN 8\.1/);
    expect(e.fix).toMatch(/offline: npx mlp-blocks-provision-tfjs-node --gpu/);
    expect(tf.getBackend()).toBe('cpu'); // a refused backend leaves the active one alone
  });

  it.skipIf(provisioned)('tensorflow (tfjs-node) without its binding fails the same clear way', async () => {
    await expect(useBackend('tensorflow')).rejects.toThrow(
      /tfjs-node is installed but its native addon .*Fix: npm rebuild @tensorflow\/tfjs-node .*offline: npx mlp-blocks-provision-tfjs-node \(/,
    );
  });

  // The machine has no NVIDIA GPU and no driver: what a user sees who installed tfjs-node-gpu where CUDA is absent.
  it.skipIf(!gpuProvisioned)('cuda with the binding present but no CUDA device: says exactly that, and leaves the active backend alone', async () => {
    await useBackend('cpu');
    const error = await useBackend('cuda').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const e = error as BackendUnavailableError;
    expect(e.kind).toBe('no-gpu');
    expect(e.message).toBe(
      'backend "cuda" is not usable: @tensorflow/tfjs-node-gpu\'s native binding is present and loads, but no CUDA device is visible ' +
        'to TensorFlow: no NVIDIA driver found (nvidia-smi is not on PATH). Fix: install the NVIDIA driver and the CUDA 11.2 + ' +
        'cuDNN 8.1 runtime libraries, or use a CPU backend (tensorflow, blas, wasm)',
    );
    // tfjs-node-gpu switched tfjs to its backend when it loaded; the refusal switched back
    expect(tf.getBackend()).toBe('cpu');
  });

  it.skipIf(!provisioned)("tensorflow runs on libtensorflow: tf.getBackend() is 'tensorflow' and it computes", async () => {
    const choice = await useBackend('tensorflow');
    expect(choice).toEqual({ name: 'tensorflow', tfjsName: 'tensorflow', detail: 'libtensorflow on the CPU', skipped: [] });
    expect(tf.getBackend()).toBe('tensorflow');
    const before = tf.memory().numTensors;
    // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]; softmax([0, ln 3]) = [1/4, 3/4]
    expect(tf.tidy(() => Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync()))).toEqual([19, 22, 43, 50]);
    const p = tf.tidy(() => tf.softmax(tf.tensor1d([0, Math.log(3)])).dataSync());
    expect(p[0]).toBeCloseTo(0.25, 6);
    expect(p[1]).toBeCloseTo(0.75, 6);
    expect(tf.memory().numTensors).toBe(before);
    await useBackend('cpu');
  });

  it('auto passes over cuda and the software-only WebGPU adapter, says why, and lands on tensorflow (or wasm without it)', async () => {
    const choice = await useBackend('auto');
    expect(choice.name).toBe(provisioned ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(provisioned ? 'tensorflow' : 'wasm');
    expect(choice.skipped.map((s) => s.name)).toEqual(provisioned ? ['cuda', 'webgpu'] : ['cuda', 'webgpu', 'tensorflow']);
    expect(choice.skipped[0]!.reason).toMatch(gpuProvisioned ? /no CUDA device is visible/ : /native addon/);
    expect(choice.skipped[1]!.reason).toMatch(/CPU rasteriser .*llvmpipe/);
  });
});

describe('backendReport (Node)', () => {
  it('covers every backend, says which are usable and why the others are not, and restores the active backend', async () => {
    await useBackend('cpu');
    const report = await backendReport();
    expect(report.platform).toBe('node');
    expect(report.backends.map((b) => b.name)).toEqual(['cuda', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    const byName = Object.fromEntries(report.backends.map((b) => [b.name, b]));
    expect(byName['cpu']!.usable).toBe(true);
    expect(byName['wasm']!.usable).toBe(true);
    expect(byName['cuda']).toMatchObject({ usable: false, kind: gpuProvisioned ? 'no-gpu' : 'no-binding', version: '4.22.0' });
    expect(byName['tensorflow']).toMatchObject(provisioned ? { usable: true, detail: 'libtensorflow on the CPU' } : { usable: false, kind: 'no-binding' });
    expect(byName['webgpu']).toMatchObject({ usable: true, software: true });
    expect(byName['webgpu']!.detail).toMatch(/llvmpipe/);
    expect(byName['wasm']).toMatchObject({ packageName: '@tensorflow/tfjs-backend-wasm', version: '4.22.0' });
    expect(report.auto).toBe(provisioned ? 'tensorflow' : 'wasm');
    expect(report.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(report.versions['@tensorflow/tfjs-core']).toBe(tf.version_core);
    expect(report.versionMismatch).toBeNull();

    const table = formatBackendReport(report);
    expect(table.split('\n')[0]).toMatch(/^backend\s+usable\s+version\s+detail \/ why not$/);
    expect(table).toMatch(gpuProvisioned ? /^cuda\s+no\s+4\.22\.0\s+.*no CUDA device is visible/m : /^cuda\s+no\s+4\.22\.0\s+.*native addon/m);
    if (provisioned) expect(table).toMatch(/^tensorflow\s+yes\s+4\.22\.0\s+libtensorflow on the CPU$/m);
    expect(table).toMatch(/^webgpu\s+yes\s+.*\[software adapter: auto skips it\]/m);
    expect(table).toMatch(provisioned ? /^auto picks: tensorflow$/m : /^auto picks: wasm$/m);
  });

  it('with allowSoftwareGpu, auto takes the software WebGPU adapter', async () => {
    const report = await backendReport({ allowSoftwareGpu: true });
    expect(report.auto).toBe('webgpu');
  });
});
