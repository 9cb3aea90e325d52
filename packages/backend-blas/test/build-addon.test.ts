// The install script run for real on a copy of the package: with a compiler that fails, the install goes on and
// says what is missing and how to fix it; with MLP_BLOCKS_BLAS=required (as in this repository's CI) it fails
// instead. With a prebuilt addon in the copy it takes that one without compiling; a prebuilt file that does not
// load, or --from-source, sends it to the compiler. (The real prebuild, installed with no compiler at all, is the
// backend-blas-no-compiler consumer case.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const copy = mkdtempSync(join(tmpdir(), 'backend-blas-build-'));
for (const part of ['native', 'scripts', 'binding.gyp', 'package.json']) cpSync(join(here, part), join(copy, part), { recursive: true });
const nodeGyp = createRequire(join(here, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** Runs the install script on the copy with `env` over this process's environment (CC unset unless given). */
function build(env: Record<string, string>, args: string[] = []) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'CC' && k !== 'MLP_BLOCKS_BLAS'));
  return spawnSync(process.execPath, [join(copy, 'scripts', 'build-addon.mjs'), ...args], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...base, npm_config_node_gyp: nodeGyp, ...env },
    timeout: 120_000,
  });
}

describe('scripts/build-addon.mjs', () => {
  it('a failed compile leaves the install working and names the missing pieces and the fix', () => {
    const r = build({ CC: '/bin/false' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/@mlp-blocks\/backend-blas: the OpenBLAS addon was not built\./);
    expect(r.stderr).toMatch(/apt-get install g\+\+ libopenblas-dev/);
    expect(r.stderr).toMatch(/npm rebuild @mlp-blocks\/backend-blas/);
    expect(existsSync(join(copy, 'build', 'Release', 'blas.node'))).toBe(false);
  });

  it('the same copy builds the addon once the compiler works (so the failures here are the compiler)', () => {
    const r = build({});
    expect(r.status).toBe(0);
    expect(existsSync(join(copy, 'build', 'Release', 'blas.node'))).toBe(true);
  });

  it('with MLP_BLOCKS_BLAS=required a failed compile fails the install', () => {
    const r = build({ CC: '/bin/false', MLP_BLOCKS_BLAS: 'required' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the OpenBLAS addon was not built/);
  });

  describe('with a prebuilt addon for this platform', () => {
    const prebuilt = join(copy, 'prebuilds', `${process.platform}-${process.arch}`, 'blas.node');
    const built = join(copy, 'build', 'Release', 'blas.node');

    it('takes it without compiling, even where the compiler fails and the build is required', () => {
      mkdirSync(dirname(prebuilt), { recursive: true });
      copyFileSync(join(here, 'build', 'Release', 'blas.node'), prebuilt); // this workspace's build stands in: it loads here
      rmSync(join(copy, 'build'), { recursive: true, force: true });
      const r = build({ CC: '/bin/false', MLP_BLOCKS_BLAS: 'required' });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/using the prebuilt addon for \S+ \(OpenBLAS/);
      expect(existsSync(join(copy, 'build'))).toBe(false);
    });

    it('--from-source compiles anyway', () => {
      const r = build({}, ['--from-source']);
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/prebuilt/);
      expect(existsSync(built)).toBe(true);
    });

    it('one that does not load here is reported and the compiler is tried', () => {
      writeFileSync(prebuilt, 'not an ELF file');
      rmSync(join(copy, 'build'), { recursive: true, force: true });
      const r = build({ CC: '/bin/false', MLP_BLOCKS_BLAS: 'required' });
      expect(r.stderr).toMatch(/the prebuilt addon for \S+ does not load here \(.*\); compiling from source/);
      expect(r.stderr).toMatch(/the OpenBLAS addon was not built/);
      expect(r.status).toBe(1);
    });
  });
});
