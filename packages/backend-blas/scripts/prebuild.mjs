#!/usr/bin/env node
// Makes the prebuilt addon the packed package ships (run by `prepack`; `postpack` removes it again, so no binary
// is ever committed): native/blas.c linked against OpenBLAS's static library (Debian: libopenblas-pthread-dev's
// libopenblas.a), with OpenBLAS's symbols kept private, into prebuilds/linux-x64/blas.node. Only sgemm and the
// thread/config calls are referenced, so nothing of OpenBLAS's Fortran LAPACK (libgfortran) is linked in; the
// script checks that with ldd, loads the result in a child process, runs a product on it, and copies OpenBLAS's
// copyright and license notices beside it.
//
//   node scripts/prebuild.mjs      MLP_BLOCKS_OPENBLAS_STATIC=/path/to/libopenblas.a picks another static library
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = `${process.platform}-${process.arch}`;
const fail = (message) => {
  console.error(`@mlp-blocks/backend-blas prebuild: ${message}`);
  process.exit(1);
};

if (target !== 'linux-x64') {
  // Packing elsewhere gives a source-only package; say so rather than fail a maintainer's pack.
  console.error(`@mlp-blocks/backend-blas prebuild: prebuilds are made on linux-x64 (glibc), not ${target}; the package will compile at install.`);
  process.exit(0);
}

// The pthread build first: the OpenMP one would need libgomp at run time.
const candidates = [
  process.env.MLP_BLOCKS_OPENBLAS_STATIC,
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.a',
  '/usr/lib/x86_64-linux-gnu/libopenblas.a',
].filter(Boolean);
const staticLib = candidates.find((p) => existsSync(p));
if (!staticLib) fail(`no static OpenBLAS library (looked for ${candidates.join(', ')}); Debian: apt-get install libopenblas-dev`);
const lib = realpathSync(staticLib);
if (/openmp/.test(lib)) fail(`${lib} is OpenBLAS's OpenMP build, which needs libgomp at run time; install libopenblas-pthread-dev`);

// Build in a scratch folder inside the package (not build/: that is the source build a developer may be using).
const work = join(root, '.prebuild');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
cpSync(join(root, 'native'), join(work, 'native'), { recursive: true });
copyFileSync(join(root, 'binding.gyp'), join(work, 'binding.gyp'));
const gyp = process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)
  ? process.env.npm_config_node_gyp
  : createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const args = [gyp, 'rebuild', '--loglevel=warn', `--openblas_static=${lib}`];
const nodeDir = resolve(process.execPath, '..', '..');
if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
const built = spawnSync(process.execPath, args, { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) fail(`node-gyp failed to link ${lib} into the addon (exit ${built.status})`);

const outDir = join(root, 'prebuilds', target);
rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const addon = join(outDir, 'blas.node');
copyFileSync(join(work, 'build', 'Release', 'blas.node'), addon);
rmSync(work, { recursive: true, force: true });

// Needs nothing beyond glibc: no libopenblas, libgfortran or libquadmath from the system.
const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' });
if (ldd.status !== 0) fail(`ldd ${addon} failed: ${ldd.stderr}`);
const needs = ldd.stdout.split('\n').map((l) => l.trim().split(/\s/)[0]).filter(Boolean);
const extra = needs.filter((n) => !/^(linux-vdso\.so|libc\.so|libm\.so|libpthread\.so|libdl\.so|\/lib64\/ld-linux)/.test(n));
if (extra.length) fail(`${addon} needs ${extra.join(', ')} at run time; it must need only glibc`);

const probe = spawnSync(process.execPath, ['-e', `
  const a = require(process.argv[1]);
  const o = new Float32Array(1);
  a.gemm(new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6]), o, 1, 1, 1, 3, false, true, false, false, null, false);
  if (o[0] !== 32) throw new Error('[1,2,3]·[4,5,6] gave ' + o[0]);
  console.log(a.describe().config);`, addon], { encoding: 'utf8' });
if (probe.status !== 0) fail(`the prebuilt addon does not work: ${probe.stderr}`);
const config = probe.stdout.trim();

// OpenBLAS is BSD-3-Clause (its kernels from GotoBLAS2 BSD-2-Clause): ship the notices with the binary.
const owner = spawnSync('dpkg', ['-S', lib], { encoding: 'utf8' });
const debPackage = owner.status === 0 ? owner.stdout.split(':')[0] : null;
const copyright = debPackage ? `/usr/share/doc/${debPackage}/copyright` : null;
if (!copyright || !existsSync(copyright)) fail(`no copyright file for ${lib} (dpkg -S found ${debPackage ?? 'no package'}); cannot ship OpenBLAS without its license notice`);
copyFileSync(copyright, join(outDir, 'OpenBLAS-LICENSE.txt'));
const gcc = spawnSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim();
writeFileSync(join(outDir, 'NOTICE.md'), [
  '# The prebuilt addon',
  '',
  `\`blas.node\`: native/blas.c (MIT, this package) linked statically with ${config}`,
  `(\`${lib}\`, Debian package ${debPackage}), built with GCC ${gcc} for Linux x64 with glibc 2.34 or newer.`,
  '',
  "OpenBLAS's copyright and license notices (BSD-3-Clause, with GotoBLAS2's BSD-2-Clause for its kernels) are in",
  '`OpenBLAS-LICENSE.txt` beside this file, as Debian ships them. Nothing of libgfortran or libquadmath is linked',
  'in; the GCC runtime pieces that are fall under the GCC Runtime Library Exception.',
  '',
].join('\n'));
console.log(`@mlp-blocks/backend-blas prebuild: ${addon} (${config}; needs ${needs.filter((n) => !n.startsWith('linux-vdso')).join(', ')})`);
