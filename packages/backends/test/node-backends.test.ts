// The Node adapters against the real packages installed in this workspace: cpu and wasm start, WebGPU starts
// through Dawn on Mesa's software GL, and @tensorflow/tfjs-node(-gpu) are installed without their native addon
// (their download step never runs here), which is exactly the failure path users without it hit.
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

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('useBackend (Node)', () => {
  it('rejects an unknown name, listing the registered ones and saying that provider packages register on import', async () => {
    await expect(useBackend('gpu')).rejects.toThrow(ConfigError);
    await expect(useBackend('gpu')).rejects.toThrow(
      'useBackend: option "name" must be one of "auto", "cuda", "tensorflow", "webgpu", "wasm", "cpu", received "gpu". ' +
        'A backend from a provider package is registered when that package is imported: import it before calling useBackend.',
    );
    await expect(useBackend(7 as never)).rejects.toThrow(/option "name" must be one of "auto", .*received 7$/);
  });

  it('lists the built-in providers in rank order', () => {
    expect(listBackends().map((b) => [b.name, b.rank, b.auto, b.platforms.join()])).toEqual([
      ['cuda', 100, true, 'node'],
      ['tensorflow', 200, false, 'node'],
      ['webgpu', 300, true, 'node'],
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

  it('cuda with tfjs-node-gpu installed but no binding: rejects with what is missing and the command that fixes it', async () => {
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
    expect(tf.getBackend()).toBe('cpu'); // a refused backend leaves the active one alone
  });

  it('tensorflow (tfjs-node) without its binding fails the same clear way', async () => {
    await expect(useBackend('tensorflow')).rejects.toThrow(/tfjs-node is installed but its native addon .*Fix: npm rebuild @tensorflow\/tfjs-node/);
  });

  it('auto passes over cuda and the software-only WebGPU adapter, says why, and lands on wasm', async () => {
    const choice = await useBackend('auto');
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.skipped.map((s) => s.name)).toEqual(['cuda', 'webgpu']);
    expect(choice.skipped[0]!.reason).toMatch(/native addon/);
    expect(choice.skipped[1]!.reason).toMatch(/CPU rasteriser .*llvmpipe/);
  });
});

describe('backendReport (Node)', () => {
  it('covers every backend, says which are usable and why the others are not, and restores the active backend', async () => {
    await useBackend('cpu');
    const report = await backendReport();
    expect(report.platform).toBe('node');
    expect(report.backends.map((b) => b.name)).toEqual(['cuda', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
    const byName = Object.fromEntries(report.backends.map((b) => [b.name, b]));
    expect(byName['cpu']!.usable).toBe(true);
    expect(byName['wasm']!.usable).toBe(true);
    expect(byName['cuda']).toMatchObject({ usable: false, kind: 'no-binding', version: '4.22.0' });
    expect(byName['tensorflow']).toMatchObject({ usable: false, kind: 'no-binding' });
    expect(byName['webgpu']).toMatchObject({ usable: true, software: true });
    expect(byName['webgpu']!.detail).toMatch(/llvmpipe/);
    expect(byName['wasm']).toMatchObject({ packageName: '@tensorflow/tfjs-backend-wasm', version: '4.22.0' });
    expect(report.auto).toBe('wasm');
    expect(report.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(report.versions['@tensorflow/tfjs-core']).toBe(tf.version_core);
    expect(report.versionMismatch).toBeNull();

    const table = formatBackendReport(report);
    expect(table.split('\n')[0]).toMatch(/^backend\s+usable\s+version\s+detail \/ why not$/);
    expect(table).toMatch(/^cuda\s+no\s+4\.22\.0\s+.*native addon/m);
    expect(table).toMatch(/^webgpu\s+yes\s+.*\[software adapter: auto skips it\]/m);
    expect(table).toMatch(/^auto picks: wasm$/m);
  });

  it('with allowSoftwareGpu, auto takes the software WebGPU adapter', async () => {
    const report = await backendReport({ allowSoftwareGpu: true });
    expect(report.auto).toBe('webgpu');
  });
});
