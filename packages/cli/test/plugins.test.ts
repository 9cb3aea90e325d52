// Plugins: a family package that is not a dependency of the CLI, found through --plugin or the project's
// package.json, works in every command. The fake plugin here registers into the same core the CLI uses.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Run, cliIn } from './helpers.js';

const core = pathToFileURL(new URL('../../core/dist/index.js', import.meta.url).pathname).href;
// The tfjs-layers module core itself loads (one layer registry per process).
const layers = pathToFileURL(createRequire(new URL('../../core/package.json', import.meta.url)).resolve('@tensorflow/tfjs-layers')).href;
const project = mkdtempSync(join(tmpdir(), 'mlp-cli-plugins-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** A package in the project's node_modules whose index.js runs `body` (with core imported as `core`). */
function fakePackage(name: string, body: string): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), `import * as core from '${core}';\nimport * as tfl from '${layers}';\n${body}\n`);
}

fakePackage('tiny-fam', `
const options = core.defineOptions({
  inputDim: core.option.positiveInt('Input size.'), outputDim: core.option.positiveInt('Output size.'),
  units: core.option.withDefault(core.option.positiveInt('Hidden units.'), 6),
});
core.registerFamily({
  name: 'tiny-fam', packageName: 'tiny-fam', description: 'A two-layer test family', owner: 'tinyFam', options, input: 'flat',
  presets: { tiny_fam_wide: { description: 'units 32', options: { units: 32 } } },
  build: (o) => tfl.sequential({ layers: [new core.Dense({ units: o.units, activation: 'relu', inputShape: [o.inputDim] }), new core.Dense({ units: o.outputDim, activation: 'sigmoid' })] }),
  countParams: (o) => { const t = (o.inputDim + 1) * o.units + (o.units + 1) * o.outputDim; return { trainable: t, nonTrainable: 0, total: t }; },
});`);
fakePackage('broken-fam', `throw new Error('broken on purpose');`);

/** The CLI with the project as the working directory. */
const spawnCli = (...args: string[]): Run => cliIn(project, ...args);

describe('plugins', () => {
  it('--plugin makes a family usable in models, params and train', () => {
    const models = spawnCli('models', '--plugin', 'tiny-fam', '--json');
    expect(models.status, models.stderr).toBe(0);
    const names = JSON.parse(models.stdout) as Array<{ name: string; family: string; kind: string }>;
    expect(names.filter((m) => m.family === 'tiny-fam').map((m) => `${m.name}:${m.kind}`).sort()).toEqual(['tiny-fam:family', 'tiny_fam_wide:preset']);
    const params = spawnCli('params', '--plugin', 'tiny-fam', '--spec', '{"model":"tiny_fam_wide","inputDim":4,"outputDim":2}', '--json');
    expect(params.status, params.stderr).toBe(0);
    expect(JSON.parse(params.stdout)).toEqual({ trainable: 5 * 32 + 33 * 2, nonTrainable: 0, total: 5 * 32 + 33 * 2, maxParams: 100_000_000, overCap: false });
    const train = spawnCli('train', '--plugin', 'tiny-fam', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'tiny-fam',
      '--epochs', '1', '--out', join(project, 'run'), '--json', '--progress', 'none', '--backend', 'cpu');
    expect(train.status, train.stderr).toBe(0);
    expect(JSON.parse(train.stdout)).toMatchObject({ family: 'tiny-fam', params: { trainable: 65 * 6 + 7 * 64 } });
  });

  it('the nearest package.json\'s "mlp-blocks".plugins loads them without --plugin', () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, 'mlp-blocks': { plugins: ['tiny-fam'] } }));
    try {
      const r = spawnCli('schema');
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).oneOf.map((s: { title: string }) => s.title)).toContain('tiny-fam');
    } finally {
      rmSync(join(project, 'package.json'));
    }
  });

  it('a missing plugin, a failing plugin and a malformed field are one line naming the plugin and where it came from', () => {
    const missing = spawnCli('models', '--plugin', 'no-such-family');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`mlp-blocks: plugin no-such-family (from --plugin) is not installed where ${project} or the CLI can find it; install it there (npm i no-such-family)`);
    const broken = spawnCli('models', '--plugin', 'broken-fam');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('mlp-blocks: plugin broken-fam (from --plugin) failed to load: broken on purpose');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ 'mlp-blocks': { plugins: 'tiny-fam' } }));
    const field = spawnCli('models');
    expect(field.status).toBe(1);
    expect(field.stderr).toContain(`${join(project, 'package.json')}: "mlp-blocks".plugins must be a list of package names, received "tiny-fam"`);
    rmSync(join(project, 'package.json'));
  });
});
