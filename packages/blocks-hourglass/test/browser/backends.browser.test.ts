// WebGPU in a real browser: the page in ./page is bundled with Vite the way an app would bundle it, served on
// 127.0.0.1 and opened in headless Debian chromium, where it runs the same hourglass network on cpu, wasm and
// WebGPU (SwiftShader here). CI installs chromium; elsewhere the test is skipped with a notice.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../../../../test-support/chromium.js';
import { serveStatic } from '../../../../test-support/serve.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'mlp-blocks-page-'));
if (!hasChromium) {
  if (process.env['CI']) throw new Error('CI must install Debian chromium (/usr/bin/chromium) for the browser tests');
  console.warn('skipping browser tests: /usr/bin/chromium is not installed (apt-get install chromium)');
}

interface Run {
  backend: string;
  detail?: string;
  trainOut: number[];
  evalOut: number[];
  error?: string;
}
let runs: Run[] = [];
let report: { backends: Array<{ name: string; usable: boolean; kind?: string; reason?: string }>; auto: string | null } | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  await build({ root: join(here, 'page'), logLevel: 'error', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  // the wasm binaries are files the page fetches at run time, not modules: ship them beside the bundle
  const wasmDist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  mkdirSync(join(outDir, 'wasm'));
  for (const f of readdirSync(wasmDist).filter((n) => n.endsWith('.wasm'))) cpSync(join(wasmDist, f), join(outDir, 'wasm', f));

  const server = await serveStatic(outDir);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => (window as { done?: boolean }).done === true, undefined, { timeout: 120_000 });
    const failure = await page.evaluate(() => (window as { failure?: string }).failure);
    if (failure) throw new Error(`page failed: ${failure}`);
    runs = await page.evaluate(() => (window as unknown as { runs: Run[] }).runs);
    report = await page.evaluate(() => (window as unknown as { report: typeof report }).report);
  } finally {
    await browser.close();
    await server.close();
  }
}, 240_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

describe.skipIf(!hasChromium)('backends in headless chromium', () => {
  it('runs the network on cpu, wasm and webgpu in the page', () => {
    expect(runs.map((r) => [r.backend, r.error])).toEqual([
      ['cpu', undefined],
      ['wasm', undefined],
      ['webgpu', undefined],
    ]);
    expect(runs[2]!.detail).toMatch(/^adapter:/);
    expect(runs[0]!.trainOut).toHaveLength(8 * 32);
  });

  it('wasm and webgpu equal cpu within 1e-4, in training and evaluation mode', () => {
    const [cpu, wasm, webgpu] = runs;
    expect(maxDiff(cpu!.trainOut, cpu!.evalOut)).toBeGreaterThan(1e-3); // the two modes really differ
    for (const other of [wasm!, webgpu!]) {
      expect(maxDiff(other.trainOut, cpu!.trainOut), other.backend).toBeLessThan(1e-4);
      expect(maxDiff(other.evalOut, cpu!.evalOut), other.backend).toBeLessThan(1e-4);
    }
  });

  it("the browser report lists the page's providers, says native TensorFlow cannot run in a page, and what auto picks", () => {
    // Node-only provider packages (the OpenBLAS one) are never in a page's bundle, so never in its registry.
    expect(report!.backends.map((b) => b.name)).toEqual(['cuda', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    const byName = Object.fromEntries(report!.backends.map((b) => [b.name, b]));
    expect(byName['cuda']).toMatchObject({ usable: false, kind: 'unsupported-platform' });
    expect(byName['tensorflow']).toMatchObject({ usable: false, kind: 'unsupported-platform' });
    expect(byName['cuda']!.reason).toMatch(/@tensorflow\/tfjs-node-gpu is native TensorFlow for Node; it cannot run in a browser/);
    expect(byName['wasm']).toMatchObject({ usable: true });
    expect(byName['webgpu']).toMatchObject({ usable: true });
    expect(['webgpu', 'wasm']).toContain(report!.auto);
  });
});
