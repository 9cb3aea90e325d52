#!/usr/bin/env node
// The install script. When the packed package carries a prebuilt addon for this platform
// (prebuilds/linux-x64/blas.node, OpenBLAS linked in: scripts/prebuild.mjs) and it loads and multiplies here,
// that is all: no compiler, no OpenBLAS needed. Otherwise (another platform, musl, --from-source or
// npm_config_build_from_source) it compiles native/blas.c against the system OpenBLAS with node-gyp
// (build/Release/blas.node). A failed build does not fail the install: the package then reports, when used,
// that the addon is missing and how to get it. With MLP_BLOCKS_BLAS=required (set by this repository's CI) a
// failed build is an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.MLP_BLOCKS_BLAS === 'required';

// node-gyp: the one npm/pnpm hand to install scripts, else this package's own dev dependency.
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

const target = `${process.platform}-${process.arch}`;
const prebuilt = join(root, 'prebuilds', target, 'blas.node');
const fromSource = process.argv.includes('--from-source') || process.env.npm_config_build_from_source === 'true';
if (!fromSource && existsSync(prebuilt)) {
  // Loaded in a child: a binary that does not load here (other libc, too old a glibc) must not crash the install.
  const probe = spawnSync(process.execPath, ['-e', `
    const a = require(process.argv[1]);
    const o = new Float32Array(1);
    a.gemm(new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6]), o, 1, 1, 1, 3, false, true, false, false, null, false);
    if (o[0] !== 32) throw new Error('[1,2,3]·[4,5,6] gave ' + o[0]);
    console.log(a.describe().config);`, prebuilt], { encoding: 'utf8' });
  if (probe.status === 0) {
    console.log(`@mlp-blocks/backend-blas: using the prebuilt addon for ${target} (${probe.stdout.trim()})`);
    process.exit(0);
  }
  const why = (probe.stderr ?? '').split('\n').find((l) => /Error/.test(l)) ?? `exit ${probe.status}`;
  console.error(`@mlp-blocks/backend-blas: the prebuilt addon for ${target} does not load here (${why.trim()}); compiling from source.`);
} else if (!fromSource) {
  console.error(`@mlp-blocks/backend-blas: no prebuilt addon for ${target} (one ships for linux-x64 with glibc >= 2.34); compiling from source.`);
}

const gyp = nodeGyp();
const args = ['rebuild', '--loglevel=warn'];
// Use the running Node's own headers when it ships them (Debian, most installers): no download needed.
const nodeDir = resolve(process.execPath, '..', '..');
if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);

const result = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' })
  : { status: 1, stderr: 'node-gyp was not found' };
if (result.status === 0) process.exit(0);

const detail = (result.stderr ?? '').split('\n').filter((l) => /error|not found|No such file/i.test(l)).slice(0, 6).join('\n');
console.error(
  `@mlp-blocks/backend-blas: the OpenBLAS addon was not built.\n${detail}\n` +
    'It needs a C compiler and OpenBLAS headers (Debian: apt-get install g++ libopenblas-dev); then run\n' +
    'npm rebuild @mlp-blocks/backend-blas. Until then useBackend("blas") reports the addon as missing.',
);
process.exit(required ? 1 : 0);
