// Packaging check: a Vite build of a page that imports only @mlp-blocks/gmlp succeeds, pulls in no Node-only
// module (fs, path, child_process, tfjs-node, the datasets package's download code), reports its size, and runs
// a forward pass in headless Debian chromium equal to the same forward pass in Node.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Rollup, build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../../../../test-support/chromium.js';
import { serveStatic } from '../../../../test-support/serve.js';
import { PRESETS, gmlpClassifier } from '../../src/index.js';
import { fillWeights, sampleImages } from './weights.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'mlp-blocks-gmlp-bundle-'));
if (!hasChromium && process.env['CI']) throw new Error('CI must install Debian chromium (/usr/bin/chromium) for the browser tests');

let modules: string[] = [];
// Who imports each Node built-in that Vite replaced with an empty stub (module id → importers).
const externalImporters = new Map<string, string[]>();
let js = { bytes: 0, gzip: 0 };
let page: { logits?: number[]; shape?: number[]; failure?: string } = {};

beforeAll(async () => {
  const result = (await build({
    root: join(here, 'page'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    plugins: [
      {
        name: 'record-browser-externals',
        generateBundle() {
          for (const id of this.getModuleIds()) {
            if (id.includes('__vite-browser-external')) externalImporters.set(id, [...(this.getModuleInfo(id)?.importers ?? [])]);
          }
        },
      },
    ],
  })) as Rollup.RollupOutput;
  for (const item of result.output) {
    if (item.type !== 'chunk') continue;
    modules.push(...item.moduleIds);
    const code = readFileSync(join(outDir, item.fileName));
    js = { bytes: js.bytes + code.length, gzip: js.gzip + gzipSync(code).length };
  }
  console.log(`gmlp page bundle: ${(js.bytes / 1024).toFixed(0)} KiB of JS, ${(js.gzip / 1024).toFixed(0)} KiB gzipped, ${modules.length} modules`);
  if (!hasChromium) return;
  const server = await serveStatic(outDir);
  const browser = await launchChromium();
  try {
    const tab = await browser.context.newPage();
    await tab.goto(server.url);
    await tab.waitForFunction(() => (window as { done?: boolean }).done === true, undefined, { timeout: 120_000 });
    page = await tab.evaluate(() => {
      const w = window as unknown as typeof page;
      return { ...(w.logits ? { logits: w.logits } : {}), ...(w.shape ? { shape: w.shape } : {}), ...(w.failure ? { failure: w.failure } : {}) };
    });
  } finally {
    await browser.close();
    await server.close();
  }
}, 240_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('a browser bundle of @mlp-blocks/gmlp', () => {
  it('contains gmlp and no Node-only module', () => {
    expect(modules.some((m) => m.includes('blocks-gmlp') || m.includes('@mlp-blocks/gmlp'))).toBe(true);
    const nodeOnly = modules.filter((m) =>
      /(^|[/:])(fs|path|os|child_process|worker_threads)(\.js)?$|node:|tfjs-node|datasets\/|cli-progress|env-paths|playwright/.test(m),
    );
    expect(nodeOnly).toEqual([]);
    // Vite stubs Node built-ins out; the only importer allowed is tfjs-core's own seedrandom dependency, whose
    // optional require('crypto') every tfjs browser bundle carries. Anything of ours would be listed here.
    const importers = [...externalImporters.values()].flat().filter((id) => !id.includes('__vite-browser-external'));
    expect(importers.length).toBeGreaterThan(0); // the scan sees the stubs (seedrandom's) it is meant to judge
    expect(importers.filter((id) => !/node_modules\/(\.pnpm\/)?seedrandom/.test(id))).toEqual([]);
    expect(js.bytes).toBeGreaterThan(100_000); // tfjs really is inside: the scan looked at a real bundle
  });

  it.skipIf(!hasChromium)('runs the classifier in headless chromium with the same logits as Node', async () => {
    expect(page.failure).toBeUndefined();
    expect(page.shape).toEqual([2, 10]);
    await tf.setBackend('cpu');
    const model = gmlpClassifier({ ...PRESETS.gmlp_mnist });
    fillWeights(model);
    const x = sampleImages();
    const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    x.dispose();
    model.dispose();
    const worst = Math.max(...page.logits!.map((v, i) => Math.abs(v - expected[i]!)));
    expect(worst).toBeLessThan(1e-4);
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-3); // non-trivial logits
  });
});
