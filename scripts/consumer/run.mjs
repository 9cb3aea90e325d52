#!/usr/bin/env node
// Consumer tests: each package as a user gets it. `pnpm pack` turns every package into the tarball npm would
// publish (workspace:^ rewritten to real ranges); then, per case, a scratch project outside the workspace
// npm-installs only the tarballs that case needs plus the tfjs peers from the registry, and runs an example
// that trains on wasm, saves and reloads. Exits non-zero if any step of any case fails.
//
//   node scripts/consumer/run.mjs [case …]      cases: one per published package, named as the package without its
//                                               scope (its test/consumer.mjs), and plugin (CONTRIBUTING.md's family
//                                               template as a plugin of the packed CLI); default all
//   MLP_BLOCKS_KEEP_CONSUMER=1 keeps the scratch directories.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPluginCase } from './plugin.mjs';
import { runNoCompilerCase } from '../../packages/backend-blas/test/consumer-no-compiler.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHECK = fileURLToPath(new URL('./check.mjs', import.meta.url));
const TFJS = '4.22.0';
const PEERS = { '@tensorflow/tfjs-core': TFJS, '@tensorflow/tfjs-layers': TFJS, '@tensorflow/tfjs-backend-wasm': TFJS };

/**
 * The workspace's published packages, found (not listed): name → folder, for every packages/* with a package.json
 * that is not private. Each must have an example at test/consumer.mjs; its imports of @mlp-blocks packages say
 * which tarballs the case installs beside the package itself.
 */
async function discover() {
  const dirs = {};
  for (const entry of (await readdir(join(ROOT, 'packages'), { withFileTypes: true })).filter((e) => e.isDirectory())) {
    const dir = `packages/${entry.name}`;
    if (!existsSync(join(ROOT, dir, 'package.json'))) continue;
    const manifest = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8'));
    if (!manifest.private) dirs[manifest.name] = dir;
  }
  return dirs;
}
const DIRS = await discover();

/** One case per published package: its test/consumer.mjs, installing what that example imports. */
async function packageCases() {
  const cases = [];
  for (const [name, dir] of Object.entries(DIRS)) {
    const example = join(ROOT, dir, 'test', 'consumer.mjs');
    if (!existsSync(example)) throw new Error(`${name} has no consumer example (${dir}/test/consumer.mjs): every published package needs one`);
    const source = await readFile(example, 'utf8');
    const imported = [...source.matchAll(/(?:from|import)\s+'(@mlp-blocks\/[a-z0-9-]+)(?:\/[^']*)?'/g)].map((m) => m[1]);
    cases.push({ name: name.replace('@mlp-blocks/', ''), wants: [...new Set([name, ...imported])].sort(), example });
  }
  return cases;
}
const CASES = [
  ...(await packageCases()),
  // A family package made from CONTRIBUTING.md's template, outside the workspace, used by the packed CLI as a plugin.
  { name: 'plugin', wants: ['@mlp-blocks/cli', '@mlp-blocks/core'], custom: 'plugin' },
  // backend-blas installed with no compiler on PATH and OpenBLAS hidden: its prebuilt addon must load and train.
  {
    name: 'backend-blas-no-compiler',
    wants: ['@mlp-blocks/backend-blas', '@mlp-blocks/backends', '@mlp-blocks/core', '@mlp-blocks/hourglass'],
    custom: 'no-compiler',
  },
];
const INSTALL_TIMEOUT_MS = 300_000;
const RUN_TIMEOUT_MS = 300_000;
const keep = process.env.MLP_BLOCKS_KEEP_CONSUMER === '1';

/**
 * The child environment of a user's shell: without what `pnpm run` exports for its scripts (package fields,
 * lifecycle, pnpm's user agent and settings) and without NODE_PATH / NODE_OPTIONS that could reach into the
 * workspace. The machine's own npm_config_* (registry, cache, proxy) are kept.
 */
function cleanEnv() {
  const injected = /^(npm_package_|npm_lifecycle_|pnpm_|npm_config_user_agent$|npm_command$|npm_execpath$|npm_node_execpath$|init_cwd$|node_path$|node_options$)/i;
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !injected.test(k)));
}

/** Runs a command; resolves with its output, rejects with the output when it fails or times out. */
function run(cmd, args, { cwd, timeout, env = cleanEnv() }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => { clearTimeout(timer); reject(new Error(`${cmd}: ${err.message}`)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} ${signal ? `was killed (${signal}, timeout ${timeout / 1000} s)` : `exited with ${code}`}\n${out}`));
    });
  });
}

/** The @mlp-blocks packages `names` need, themselves included, from the workspace manifests. */
async function closure(names) {
  const seen = new Set();
  const visit = async (name) => {
    if (seen.has(name)) return;
    if (!DIRS[name]) throw new Error(`unknown package ${name}`);
    seen.add(name);
    const manifest = JSON.parse(await readFile(join(ROOT, DIRS[name], 'package.json'), 'utf8'));
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const dep of Object.keys(deps)) if (dep.startsWith('@mlp-blocks/')) await visit(dep);
  };
  for (const n of names) await visit(n);
  return [...seen].sort();
}

/** Packs each package into `dest` (after checking it was built); returns name → tarball path. */
async function pack(names, dest) {
  const tarballs = {};
  for (const name of names) {
    const dir = join(ROOT, DIRS[name]);
    if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${name} is not built (no ${DIRS[name]}/dist/index.js): run \`pnpm build\` first`);
    const before = new Set(await readdir(dest));
    await run('pnpm', ['pack', '--pack-destination', dest], { cwd: dir, timeout: 60_000, env: process.env });
    const made = (await readdir(dest)).filter((f) => f.endsWith('.tgz') && !before.has(f));
    if (made.length !== 1) throw new Error(`pnpm pack of ${name} made ${made.length} tarballs in ${dest}`);
    tarballs[name] = join(dest, made[0]);
  }
  return tarballs;
}

/**
 * Checks the install is the packed packages and nothing else: each @mlp-blocks package a real directory (not a
 * link) resolved from its tarball, exactly the expected set, one copy of each, and `npm ls` clean.
 */
async function checkInstall(dir, expected, tarballs) {
  const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8'));
  const ours = Object.entries(lock.packages).filter(([p]) => /(^|\/)node_modules\/@mlp-blocks\//.test(p));
  const names = ours.map(([p]) => p.replace(/^.*node_modules\//, '')).sort();
  if (names.join() !== expected.join()) throw new Error(`installed @mlp-blocks packages ${names.join(', ')}; expected exactly ${expected.join(', ')}, once each`);
  for (const [p, entry] of ours) {
    const name = p.replace(/^.*node_modules\//, '');
    if (p !== `node_modules/${name}`) throw new Error(`${name} installed nested at ${p}: a packed dependency range did not match its tarball`);
    if (entry.link || (await lstat(join(dir, p))).isSymbolicLink()) throw new Error(`${name} is a link, not an installed tarball`);
    if (!String(entry.resolved).startsWith('file:') || !String(entry.resolved).endsWith(tarballs[name].split('/').pop())) {
      throw new Error(`${name} resolved from ${entry.resolved}, not from its tarball`);
    }
  }
  await run('npm', ['ls', '--all', '--no-fund'], { cwd: dir, timeout: 60_000 });
}

/** One case: scratch project, install, example. Returns timings; throws with the failing step's output. */
async function runCase(c, tarballs) {
  const dir = await mkdtemp(join(tmpdir(), `mlp-blocks-consumer-${c.name.replace(/\W/g, '-')}-`));
  const needed = await closure(c.wants);
  const dependencies = { ...PEERS };
  for (const name of needed) dependencies[name] = `file:${tarballs[name]}`;
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  await copyFile(c.example, join(dir, 'consumer.mjs'));
  await copyFile(CHECK, join(dir, 'check.mjs'));
  const t0 = performance.now();
  try {
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, timeout: INSTALL_TIMEOUT_MS });
    await checkInstall(dir, needed, tarballs);
    const t1 = performance.now();
    const out = await run(process.execPath, ['consumer.mjs'], { cwd: dir, timeout: RUN_TIMEOUT_MS });
    const t2 = performance.now();
    if (!keep) await rm(dir, { recursive: true, force: true });
    return { install: (t1 - t0) / 1000, example: (t2 - t1) / 1000, out: out.trim(), needed };
  } catch (err) {
    err.message += `\n(scratch project kept at ${dir})`;
    throw err;
  }
}

const selected = process.argv.length > 2 ? CASES.filter((c) => process.argv.slice(2).includes(c.name)) : CASES;
if (selected.length === 0) {
  console.error(`consumer: no case named ${process.argv.slice(2).join(', ')}; cases: ${CASES.map((c) => c.name).join(', ')}`);
  process.exit(2);
}
const start = performance.now();
const packDir = await mkdtemp(join(tmpdir(), 'mlp-blocks-packed-'));
let failed = 0;
try {
  const tarballs = await pack(await closure(selected.flatMap((c) => c.wants)), packDir);
  console.log(`consumer: packed ${Object.values(tarballs).map((t) => t.split('/').pop()).join(', ')}`);
  // Installs are mostly waiting on disk and network, so the cases run side by side.
  const context = { tarballs, closure, run, checkInstall, peers: PEERS, keep, root: ROOT, timeout: INSTALL_TIMEOUT_MS, env: cleanEnv() };
  const results = await Promise.allSettled(selected.map((c) => (c.custom === 'plugin'
    ? runPluginCase(context)
    : c.custom === 'no-compiler' ? runNoCompilerCase(context) : runCase(c, tarballs))));
  results.forEach((r, i) => {
    const name = selected[i].name;
    if (r.status === 'fulfilled') {
      const { install, example, out, needed } = r.value;
      console.log(`consumer ${name}: ok — installed ${needed.length} tarballs + tfjs ${TFJS} in ${install.toFixed(1)} s, example ${example.toFixed(1)} s`);
      for (const line of out.split('\n')) console.log(`  ${line}`);
    } else {
      failed++;
      console.error(`consumer ${name}: FAILED\n${r.reason?.message ?? r.reason}`);
    }
  });
} catch (err) {
  failed = failed || 1;
  console.error(`consumer: FAILED\n${err.message}`);
} finally {
  await rm(packDir, { recursive: true, force: true });
}
console.log(`consumer: ${selected.length - failed} passed, ${failed} failed in ${((performance.now() - start) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
