// The provider registry as a provider package uses it: a backend registered from outside this package is
// started by useBackend, listed by the report, ranked into auto, and refused on the other platform; bad
// registrations name the field and the value.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  backendReport,
  ConfigError,
  listBackends,
  registerBackendProvider,
  RANKS,
  useBackend,
} from '../src/node.js';
import { useBackend as useBackendBrowser } from '../src/index.js';

// A tfjs backend of our own: the cpu backend under another name, as a provider package would register one.
const cpuFactory = tf.findBackendFactory('cpu')!;
tf.registerBackend('plain', () => cpuFactory() as tf.KernelBackend, 0);
for (const config of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...config, backendName: 'plain' });

let prepared = 0;
let failing = false;
registerBackendProvider({
  name: 'plain',
  tfjsName: 'plain',
  packageName: 'plain-backend-provider',
  version: '1.2.3',
  platforms: ['node'],
  rank: RANKS.webgpu + 50, // between webgpu and wasm
  auto: true,
  description: 'the cpu kernels under another name',
  prepare: async (options) => {
    prepared++;
    if (failing) throw new BackendUnavailableError('plain', 'no-binding', 'its native part is missing', 'npm rebuild plain-backend-provider');
    return { detail: `threads ${options.threads ?? 'default'}` };
  },
  verify: async () => 'verified',
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('a provider registered from outside', () => {
  it('is started by name: tf.getBackend() says its tfjs name, the choice carries prepare and verify detail', async () => {
    const choice = await useBackend('plain', { threads: 3 });
    expect(choice).toEqual({ name: 'plain', tfjsName: 'plain', detail: 'threads 3; verified', skipped: [] });
    expect(tf.getBackend()).toBe('plain');
    expect(tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0])).toBe(11);
  });

  it('is listed at its rank with its package, and named in the unknown-name error', async () => {
    expect(listBackends().map((b) => b.name)).toEqual(['cuda', 'webgpu', 'plain', 'tensorflow', 'wasm', 'cpu']); // plain ties tensorflow at 350: by name
    expect(listBackends().find((b) => b.name === 'plain')).toEqual({
      name: 'plain',
      tfjsName: 'plain',
      packageName: 'plain-backend-provider',
      platforms: ['node'],
      rank: 350,
      auto: true,
      description: 'the cpu kernels under another name',
    });
    await expect(useBackend('nope')).rejects.toThrow(/must be one of "auto", "cuda", "webgpu", "plain", "tensorflow", "wasm", "cpu", received "nope"/);
  });

  it('joins auto at its rank, and auto passes it over (saying why) when it cannot start', async () => {
    const auto = await useBackend('auto');
    expect(auto.name).toBe('plain');
    expect(auto.skipped.map((s) => s.name)).toEqual(['cuda', 'webgpu']);
    failing = true;
    try {
      const next = await useBackend('auto');
      // the next in rank: tensorflow where its binding is provisioned, else wasm
      expect(next.name).toBe(next.skipped.some((s) => s.name === 'tensorflow') ? 'wasm' : 'tensorflow');
      expect(next.skipped.find((s) => s.name === 'plain')).toEqual({ name: 'plain', reason: 'its native part is missing' });
    } finally {
      failing = false;
    }
  });

  it('appears in the report with its declared version; the report restores the active backend', async () => {
    await useBackend('cpu');
    const report = await backendReport();
    expect(report.backends.find((b) => b.name === 'plain')).toMatchObject({ usable: true, version: '1.2.3', packageName: 'plain-backend-provider' });
    expect(report.auto).toBe('plain');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('is refused by the browser-safe entry, which says where it runs', async () => {
    const error = await useBackendBrowser('plain').then(
      () => null,
      (e: unknown) => e as BackendUnavailableError,
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error).toMatchObject({ kind: 'unsupported-platform' });
    expect(error!.reason).toBe('plain-backend-provider provides "plain" for node only; it cannot run in this browser-safe entry');
    expect(error!.fix).toMatch(/@mlp-blocks\/backends\/node/);
  });
});

describe('registerBackendProvider', () => {
  const valid = { name: 'x', tfjsName: 'x', packageName: 'x-pkg', platforms: ['node'] as const, rank: 1, prepare: async () => ({}) };

  it('names the field and the value it rejects', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'auto' }, /registerBackendProvider\(auto\): option "name" must be lower-case letters, .*received "auto"/],
      [{ name: 'Blas' }, /option "name" must be .*received "Blas"/],
      [{ tfjsName: '' }, /registerBackendProvider\(x\): option "tfjsName" must be a non-empty string, received ""/],
      [{ platforms: ['deno'] }, /option "platforms" must be a non-empty list of "node" and "browser", received \["deno"\]/],
      [{ rank: Number.NaN }, /option "rank" must be a finite number, received NaN/],
      [{ auto: 'yes' }, /option "auto" must be a boolean, received "yes"/],
      [{ prepare: undefined }, /option "prepare" must be a function, received undefined/],
    ];
    for (const [change, message] of bad) {
      expect(() => registerBackendProvider({ ...valid, ...change } as never)).toThrow(ConfigError);
      expect(() => registerBackendProvider({ ...valid, ...change } as never)).toThrow(message);
    }
  });

  it('replaces a provider re-registered by the same package, and refuses a name another package owns', () => {
    registerBackendProvider({ ...valid, description: 'first' });
    registerBackendProvider({ ...valid, description: 'second' });
    expect(listBackends().find((b) => b.name === 'x')?.description).toBe('second');
    expect(() => registerBackendProvider({ ...valid, name: 'wasm', packageName: 'someone-else' })).toThrow(
      'registerBackendProvider(wasm): "someone-else" cannot register "wasm" for node: "@tensorflow/tfjs-backend-wasm" already did',
    );
  });
});
