// The tensorflow provisioner (scripts/provision-tfjs-node.mjs) run as a user runs it: a second run only
// re-checks, a project without tfjs-node gets the install command, and a missing wheel names every source tried
// and leaves the provisioned package as it was. The first, full run is `pnpm provision:tensorflow` (the test
// command runs it before the tests); these need it done, and skip without it except in CI.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/provision-tfjs-node.mjs', import.meta.url));
const project = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'mlp-blocks-provision-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const required = process.env['CI'] === 'true' || process.env['MLP_BLOCKS_TENSORFLOW'] === 'required';
const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json');
const binding = (createRequire(pkg)('@mapbox/node-pre-gyp') as { find(p: string): string }).find(pkg);
const provisioned = existsSync(binding);

function provision(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('provision-tfjs-node', () => {
  it('a project without @tensorflow/tfjs-node: exit 1 and the command that installs it without its download', () => {
    writeFileSync(join(scratch, 'package.json'), '{}');
    const r = provision(['--project', scratch]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`provision-tfjs-node: @tensorflow/tfjs-node is not installed in ${scratch}. Install it without its download step first:`);
    expect(r.stderr).toContain('npm i @tensorflow/tfjs-node@4.22.0 --ignore-scripts');
  });

  it('an unknown flag: exit 2 naming the flags', () => {
    const r = provision(['--wheels', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--wheels'.*\nflags: --project DIR --install --wheel FILE\|URL --gpu --no-strip --force --optional/);
  });

  it.skipIf(!provisioned && !required)('already provisioned: a second run only checks the binding (backend and matMul) and says so', () => {
    const r = provision(['--project', project, '--gpu']);
    expect(r.stderr).toMatch(/^provision-tfjs-node: already provisioned from tensorflow_cpu-2\.21\.0-\S+\.whl \(libtensorflow 2\.21\.0\); checked in [\d.]+ s\. --force redoes it\n$/);
    expect(r.status).toBe(0);
  });

  it.skipIf(!provisioned && !required)('no wheel anywhere: every source tried is named, and the provisioned package is left as it was', () => {
    const empty = join(scratch, 'empty-bin');
    const r = provision(['--project', project, '--force', '--wheel', join(scratch, 'missing.whl')], { PATH: empty, XDG_CACHE_HOME: join(scratch, 'cache') });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'provision-tfjs-node: no tensorflow-cpu 2.21.0 wheel found. Tried:\n' +
        `  - --wheel ${join(scratch, 'missing.whl')}: no such file\n` +
        `  - cache ${join(scratch, 'cache', 'mlp-blocks', 'wheels')}: no tensorflow_cpu-2.21.0 wheel\n` +
        '  - pip download tensorflow-cpu==2.21.0: spawnSync pip ENOENT\n' +
        '  - python3 -m pip download tensorflow-cpu==2.21.0: spawnSync python3 ENOENT\n' +
        'Give one with --wheel FILE|URL or MLP_BLOCKS_TF_WHEEL (a manylinux x86_64 wheel from PyPI; any Python tag works)\n',
    );
    // with --optional (what `pnpm provision:tensorflow` passes) the same failure is a warning, unless required
    const optional = provision(['--project', project, '--force', '--optional', '--wheel', join(scratch, 'missing.whl')], {
      PATH: empty, XDG_CACHE_HOME: join(scratch, 'cache'), MLP_BLOCKS_TENSORFLOW: '',
    });
    expect(optional.status).toBe(0);
    expect(optional.stderr).toMatch(/not provisioned: the tensorflow backend stays unavailable and its tests skip/);
    expect(existsSync(binding)).toBe(true);
    expect(provision(['--project', project]).status).toBe(0);
  });

  it.skipIf(!provisioned && !required)('a corrupt wheel in the cache is refused by its SHA-256, naming the file and both digests', () => {
    const cache = join(scratch, 'corrupt-cache');
    const wheels = join(cache, 'mlp-blocks', 'wheels');
    mkdirSync(wheels, { recursive: true });
    const wheel = join(wheels, 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl');
    writeFileSync(wheel, 'not a wheel');
    const digest = createHash('sha256').update('not a wheel').digest('hex');
    const r = provision(['--project', project, '--force'], { PATH: join(scratch, 'empty-bin'), XDG_CACHE_HOME: cache });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `  - cache: ${wheel}: SHA-256 ${digest} differs from the expected ` +
        '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c (a corrupt or different file; delete it)\n',
    );
    expect(existsSync(binding)).toBe(true);
  });
});
