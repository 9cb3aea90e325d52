#!/usr/bin/env node
// Compiles native/blas.c against the system OpenBLAS with node-gyp (build/Release/blas.node).
// A failed build does not fail the install: the package then reports, when used, that the addon is missing
// and how to get it. With MLP_BLOCKS_BLAS=required (set by this repository's CI) a failed build is an error.
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
