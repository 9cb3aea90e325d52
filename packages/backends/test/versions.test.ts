// Version agreement between tfjs packages, read from real package.json files laid out as npm would.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { backendReportOn, type Platform, useBackendOn } from '../src/engine.js';
import { installedTfjsVersions } from '../src/node-versions.js';
import { registerBackendProvider } from '../src/registry.js';
import { BackendUnavailableError } from '../src/types.js';
import { mismatchMessage } from '../src/versions.js';

const root = mkdtempSync(join(tmpdir(), 'mlp-blocks-versions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakePackage(name: string, version: string): void {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }));
}

describe('tfjs version agreement', () => {
  it('reads the versions installed next to a file and names every package that differs from tfjs-core', () => {
    fakePackage('@tensorflow/tfjs-core', '4.22.0');
    fakePackage('@tensorflow/tfjs-backend-wasm', '4.22.0');
    fakePackage('@tensorflow/tfjs-backend-webgpu', '4.21.0');
    // toMatchObject: resolution also climbs above the temp dir, where this machine may have its own tfjs
    const versions = installedTfjsVersions(pathToFileURL(join(root, 'app.js')).href);
    expect(versions).toMatchObject({
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-backend-wasm': '4.22.0',
      '@tensorflow/tfjs-backend-webgpu': '4.21.0',
    });
    const picked = Object.fromEntries(
      ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'].map((n) => [n, versions[n]!]),
    );
    expect(mismatchMessage(picked, '4.22.0')).toBe(
      'tfjs packages disagree with @tensorflow/tfjs-core 4.22.0: @tensorflow/tfjs-backend-webgpu 4.21.0; install them all at 4.22.0',
    );
    expect(mismatchMessage({ '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-layers': '4.22.0' }, '4.22.0')).toBeNull();
  });

  it('refuses a backend whose package version differs from the loaded tfjs-core, and the report says so', async () => {
    const other = (tf.version_core as string) === '4.21.0' ? '4.20.0' : '4.21.0';
    const prepared: string[] = [];
    // This file imports no entry, so the registry holds only these fakes.
    const provider = (name: 'cpu' | 'wasm', packageName: string, rank: number) =>
      registerBackendProvider({
        name,
        tfjsName: name,
        packageName,
        platforms: ['node'],
        rank,
        auto: true,
        prepare: async () => {
          prepared.push(name);
          return {};
        },
      });
    const refuse = (name: string, rank: number) =>
      registerBackendProvider({
        name,
        tfjsName: name,
        packageName: `x-${name}`,
        platforms: ['node'],
        rank,
        auto: true,
        prepare: async (): Promise<{ detail?: string }> => {
          throw new BackendUnavailableError(name, 'not-installed', `${name} absent`);
        },
      });
    provider('cpu', '@tensorflow/tfjs-backend-cpu', 600);
    provider('wasm', '@tensorflow/tfjs-backend-wasm', 500);
    refuse('webgpu', 300);
    refuse('cuda', 100);
    const platform: Platform = {
      kind: 'node',
      versions: async () => ({ '@tensorflow/tfjs-core': tf.version_core, '@tensorflow/tfjs-backend-wasm': other }),
    };
    await expect(useBackendOn(platform, 'wasm')).rejects.toThrow(
      `backend "wasm" is not usable: @tensorflow/tfjs-backend-wasm is ${other} but @tensorflow/tfjs-core is ${tf.version_core}. ` +
        `Fix: install matching versions, e.g. npm i @tensorflow/tfjs-backend-wasm@${tf.version_core}`,
    );
    expect(prepared).toEqual([]); // refused before anything was loaded
    const auto = await useBackendOn(platform, 'auto');
    expect(auto.name).toBe('cpu');
    expect(auto.skipped.find((s) => s.name === 'wasm')?.reason).toMatch(/is 4\.2\d\.0 but @tensorflow\/tfjs-core/);
    const report = await backendReportOn(platform);
    expect(report.backends.find((b) => b.name === 'wasm')).toMatchObject({ usable: false, kind: 'version-mismatch' });
    expect(report.versionMismatch).toMatch(new RegExp(`@tensorflow/tfjs-backend-wasm ${other.replace(/\./g, '\\.')}`));
  });
});
