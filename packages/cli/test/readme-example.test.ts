// The root README's first example (a model by name, trained, saved to file:// and reloaded), run as written:
// extracted from between its marker and the closing fence, so the README cannot drift from what works.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { specParams } from '@mlp-blocks/core';
import '@mlp-blocks/hourglass';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', '..', 'README.md'), 'utf8');

function example(marker: string): string {
  const start = readme.indexOf(`<!-- readme-example: ${marker} -->`);
  if (start < 0) throw new Error(`README.md has no <!-- readme-example: ${marker} --> marker`);
  const open = readme.indexOf('```js\n', start);
  const close = readme.indexOf('\n```', open + 6);
  if (open < 0 || close < 0) throw new Error(`README.md: no js fence after the ${marker} marker`);
  return readme.slice(open + 6, close + 1);
}

// The script must sit inside the workspace so its imports resolve to this package's dependencies; it runs in a
// scratch directory so the relative file:// paths land there.
const script = join(here, `.readme-example-${process.pid}.mjs`);
const cwd = mkdtempSync(join(tmpdir(), 'mlp-readme-'));
afterAll(() => {
  rmSync(script, { force: true });
  rmSync(cwd, { recursive: true, force: true });
});

describe('README', () => {
  it('the first example is a model by name with createModel', () => {
    const firstCode = readme.indexOf('```js\n');
    const firstTs = readme.indexOf('```ts\n');
    expect(firstCode).toBeGreaterThan(0);
    expect(firstTs < 0 || firstCode < firstTs).toBe(true);
    expect(example('createModel')).toContain("createModel('hourglass_mnist'");
  });

  it('the createModel example runs as written: lists, trains, saves to file:// and reloads the same size', async () => {
    writeFileSync(script, example('createModel'));
    const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd, timeout: 120_000 });
    expect(stdout).toContain("'hourglass_mnist'");
    expect(existsSync(join(cwd, 'runs', 'hourglass', 'model.json'))).toBe(true);
    expect(existsSync(join(cwd, 'runs', 'hourglass', 'weights.bin'))).toBe(true);
    const printed = Number(stdout.trim().split('\n').at(-1));
    expect(printed).toBe(specParams({ model: 'hourglass_mnist', inputDim: 784, outputDim: 784 }).total);
  }, 150_000);
});
