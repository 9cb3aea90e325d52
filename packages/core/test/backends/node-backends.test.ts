// The Node adapters against the real packages installed in this workspace: cpu and wasm start, WebGPU starts
// through Dawn on Mesa's software GL, and @tensorflow/tfjs-node(-gpu) are installed without their native addon
// (their download step never runs here), which is exactly the failure path users without it hit.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  backendReport,
  formatBackendReport,
  useBackend,
} from '../../src/backends/node.js';
import { ConfigError } from '../../src/errors.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('useBackend (Node)', () => {
  it('rejects an unknown name, naming the argument and the value', async () => {
    await expect(useBackend('gpu' as never)).rejects.toThrow(ConfigError);
    await expect(useBackend('gpu' as never)).rejects.toThrow(/useBackend: option "name" must be one of "auto", .*received "gpu"/);
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
    expect(report.backends.map((b) => b.name)).toEqual(['cuda', 'tensorflow', 'webgpu', 'blas', 'wasm', 'cpu']);
    const byName = Object.fromEntries(report.backends.map((b) => [b.name, b]));
    expect(byName['cpu']!.usable).toBe(true);
    expect(byName['wasm']!.usable).toBe(true);
    expect(byName['cuda']).toMatchObject({ usable: false, kind: 'no-binding', version: '4.22.0' });
    expect(byName['tensorflow']).toMatchObject({ usable: false, kind: 'no-binding' });
    expect(byName['webgpu']).toMatchObject({ usable: true, software: true });
    expect(byName['webgpu']!.detail).toMatch(/llvmpipe/);
    // this workspace builds @mlp-blocks/backend-blas (found from the application's folder, not core's)
    expect(byName['blas']).toMatchObject({ usable: true, tfjsName: 'wasm' });
    expect(byName['blas']!.detail).toMatch(/^wasm with OpenBLAS products \(\w+ kernels, \d+ thread\(s\)\)/);
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
