// The benchmark suite of issue 9: four reference workloads (bench/workloads.mjs) × three implementations —
// (a) mlp-blocks with its own trainStep + AdamW, (b) the same architecture in plain tf.layers with trainOnBatch
// + Adam, (c) PyTorch CPU (bench/torch_bench.py) — training and inference samples/s (medians of timed windows
// after warm-up), peak RSS, and tf.memory().numTensors before/after the timed part of (a).
// Every (workload, implementation) runs in its own child process (bench/run-one.mjs), for a per-run peak RSS
// and no shared backend state. Results: a table on stdout and JSON written atomically to --json.
// First it prints which BLAS runs and with how many threads, and the machine's FP32 matmul peak (a short sgemm
// probe, bench/blas-peak.mjs); last, each workload's GFLOP/s as a share of that peak (bench/hardware.mjs; the
// FLOPs of (a)'s step counted from its products, bench/flops.mjs).
// --backend blas runs a and b on the `blas` tfjs backend of @mlp-blocks/backend-blas (wasm kernels with OpenBLAS ones; --threads
// then counts OpenBLAS threads); --backend tensorflow on tfjs-node's libtensorflow (provisioned with
// `pnpm provision:tensorflow` where its download cannot run); the others are tfjs's stock backends.
// Run: pnpm bench [-- --workloads 1,2 --impls a,b,c --backend wasm|blas|tensorflow --threads 2 --windows 5 --steps 10 --warmup 3 --json out.json --timeout 20]
//      pnpm bench -- --leak-steps 1000   (memory check: workload 1 (a) for N steps)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable, tableRows } from './table.mjs';
import { blasLine, formatHardware, hardwareRows } from './hardware.mjs';
import { BATCH, WORKLOADS } from './workloads.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const BACKENDS = ['wasm', 'blas', 'tensorflow', 'cpu', 'webgpu'];
// Debian's OpenBLAS built for OpenMP. PyTorch runs its own OpenMP threads; the default pthread build under it
// oversubscribes the two cores (measured: 601 vs 2,836 samples/s on workload 1), so (c) gets this one.
const OPENBLAS_OPENMP = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

/** @param {string} message */
function usageError(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

// `pnpm bench -- --x` hands the script a literal `--` first; parseArgs would read what follows as positionals.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
let values;
try {
  ({ values } = parseArgs({
    args: argv,
    options: {
      workloads: { type: 'string', default: '1,2,3,4' },
      impls: { type: 'string', default: 'a,b,c' },
      backend: { type: 'string', default: 'wasm' },
      threads: { type: 'string', default: '2' },
      windows: { type: 'string', default: '5' },
      steps: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      json: { type: 'string' },
      'leak-steps': { type: 'string' },
      timeout: { type: 'string', default: '20' },
    },
  }));
} catch (e) {
  usageError(`${/** @type {Error} */ (e).message}; flags: --workloads --impls --backend --threads --windows --steps --warmup --json --leak-steps --timeout`);
}

/** @param {string} name */
function positiveInt(name) {
  const text = values[name];
  const v = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(v) || v < 1) usageError(`--${name} must be a positive integer, received "${text}"`);
  return v;
}

/**
 * A comma-separated subset of `allowed`, in the given order, without repeats.
 * @template {string} T
 * @param {string} name
 * @param {readonly T[]} allowed
 * @returns {T[]}
 */
function listOf(name, allowed) {
  const items = values[name].split(',').map((s) => s.trim());
  const bad = items.filter((s) => !allowed.includes(/** @type {T} */ (s)));
  if (bad.length || items.length === 0) usageError(`--${name} must be a comma-separated list of ${allowed.join(', ')}; received "${values[name]}" (bad: ${bad.map((s) => `"${s}"`).join(', ')})`);
  return /** @type {T[]} */ ([...new Set(items)]);
}

const workloadIds = listOf('workloads', WORKLOADS.map((w) => String(w.id))).map(Number);
const impls = listOf('impls', /** @type {const} */ (['a', 'b', 'c']));
if (!BACKENDS.includes(values.backend)) usageError(`--backend must be one of ${BACKENDS.join(', ')}, received "${values.backend}"`);
const threads = positiveInt('threads');
const windows = positiveInt('windows');
const steps = positiveInt('steps');
const warmup = positiveInt('warmup');
const leakSteps = values['leak-steps'] === undefined ? 0 : positiveInt('leak-steps');
// Minutes one (workload, implementation) process may take before it is stopped and reported as timed out.
const timeoutMinutes = positiveInt('timeout');
// The memory check writes its own file by default so it never replaces the last suite results.
const jsonPath = path.resolve(values.json ?? path.join(here, 'results', leakSteps ? 'leak.json' : 'latest.json'));

/**
 * Runs one child and returns its last stdout line as JSON, or `{error}` with the tail of its stderr.
 * @param {string} command
 * @param {string[]} args
 */
function runChild(command, args, env = process.env) {
  const r = spawnSync(command, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMinutes * 60_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  const last = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status === 0 && last) return JSON.parse(last);
  const timedOut = r.signal === 'SIGKILL' || /ETIMEDOUT/.test(r.error?.message ?? '');
  const why = timedOut ? `timed out after ${timeoutMinutes} min (--timeout)` : r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
  const tail = (r.stderr ?? '').trim().split('\n').slice(-4).join('\n');
  return { error: `${why}${tail ? `: ${tail}` : ''}` };
}

// PyTorch's environment: the OpenMP build of OpenBLAS first on the loader path when Debian has it.
const torchEnv = existsSync(path.join(OPENBLAS_OPENMP, 'libopenblas.so.0'))
  ? { ...process.env, LD_LIBRARY_PATH: [OPENBLAS_OPENMP, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') }
  : process.env;

/** PyTorch's version, or why the PyTorch column is skipped. */
function torchStatus() {
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env: torchEnv });
  if (r.status !== 0) return { skipped: `${PYTHON} cannot import torch (${(r.stderr ?? '').trim().split('\n').pop()})` };
  return { version: r.stdout.trim() };
}

/** Writes JSON via a temp file and rename, so a reader never sees half a file. */
function writeJsonAtomic(file, value) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
};
const runOne = path.join(here, 'run-one.mjs');
const common = ['--backend', values.backend, '--threads', String(threads)];
let failed = false;

if (leakSteps) {
  // Memory check: workload 1 with mlp-blocks' own step, N steps in one process.
  process.stderr.write(`memory check: workload 1 (a) for ${leakSteps} steps on ${values.backend} ×${threads}…\n`);
  const r = runChild(process.execPath, [runOne, '--workload', '1', '--impl', 'a', ...common, '--leak-steps', String(leakSteps)]);
  if (r.error) {
    console.error(`bench: the memory check failed: ${r.error}`);
    process.exit(1);
  }
  const flat = r.numTensors.before === r.numTensors.after;
  const underGiB = r.peakRssMiB < 1024;
  console.log(`memory check, workload 1 hourglass (a: mlp-blocks trainStep + AdamW), ${leakSteps} steps, backend ${r.backend}, threads ${r.threads}`);
  console.log(`numTensors ${r.numTensors.before} → ${r.numTensors.after} (${flat ? 'identical' : 'CHANGED: a leak'})`);
  console.log(`peak RSS ${r.peakRssMiB} MiB (${underGiB ? 'under' : 'OVER'} the 1 GiB target); ${Math.round(r.samplesPerSecond)} samples/s`);
  writeJsonAtomic(jsonPath, { kind: 'leak-check', date: new Date().toISOString(), machine, result: r, pass: flat && underGiB });
  console.log(`JSON: ${path.relative(process.cwd(), jsonPath)}`);
  process.exit(flat && underGiB ? 0 : 1);
}

// Which BLAS, how many threads, and the machine's FP32 product peak: a short sgemm probe in its own process.
const blasPeak = runChild(process.execPath, [path.join(here, 'blas-peak.mjs'), '--threads', String(threads)]);
console.log(blasLine(blasPeak));
const torch = impls.includes('c') ? torchStatus() : { skipped: 'not requested (--impls)' };
if (impls.includes('c') && torch.skipped) console.log(`PyTorch column skipped: ${torch.skipped}`);
const perRun = ['--windows', String(windows), '--steps', String(steps), '--warmup', String(warmup)];
const selected = WORKLOADS.filter((w) => workloadIds.includes(w.id));
/** @type {any[]} */
const runs = [];
for (const w of selected) {
  for (const impl of impls) {
    if (impl === 'c' && torch.skipped) continue;
    process.stderr.write(`workload ${w.id} ${w.name}, ${impl}… `);
    const r = impl === 'c'
      ? runChild(PYTHON, [path.join(here, 'torch_bench.py'), '--workload', String(w.id), '--threads', String(threads), ...perRun], torchEnv)
      : runChild(process.execPath, [runOne, '--workload', String(w.id), '--impl', impl, ...common, ...perRun]);
    runs.push({ workload: w.id, impl, ...r });
    process.stderr.write(r.error ? `FAILED\n  ${r.error.replace(/\n/g, '\n  ')}\n` : `train ${Math.round(r.train.samplesPerSecond)} samples/s\n`);
    if (r.error) failed = true;
  }
  // The same network in every implementation: the trainable parameter counts must agree.
  const counted = runs.filter((r) => r.workload === w.id && r.trainable !== undefined);
  if (new Set(counted.map((r) => r.trainable)).size > 1) {
    console.error(`bench: TRAINABLE PARAMETER COUNTS DIFFER for workload ${w.id} (${w.name}): ${counted.map((r) => `${r.impl} ${r.trainable}`).join(', ')}`);
    failed = true;
  }
  const a = runs.find((r) => r.workload === w.id && r.impl === 'a' && r.numTensors);
  if (a && a.numTensors.before !== a.numTensors.after) {
    console.error(`bench: workload ${w.id} (a) leaks tensors: numTensors ${a.numTensors.before} → ${a.numTensors.after}`);
    failed = true;
  }
}

const rows = tableRows(selected, runs);
const threadsUsed = runs.find((r) => r.impl !== 'c' && r.threads)?.threads ?? threads;
const backendDetail = runs.find((r) => r.impl !== 'c' && r.detail)?.detail;
console.log(`\nmachine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}`);
const ours = values.backend === 'blas'
  ? `mlp-blocks blas (${backendDetail ?? 'wasm + OpenBLAS'})`
  : values.backend === 'tensorflow'
    ? `tfjs-node (${backendDetail ?? 'libtensorflow'}; its own thread pools, --threads does not apply)`
    : `tfjs ${values.backend} ×${threadsUsed} threads`;
const theirs = torch.version ? `PyTorch ${torch.version} CPU ×${threads} threads${torchEnv === process.env ? '' : ' (OpenMP OpenBLAS)'}` : `skipped (${torch.skipped})`;
console.log(`backends: a, b = ${ours}; c = ${theirs}`);
console.log(`batch 128, float32; medians of ${windows} windows of ${steps} steps after ${warmup} warm-up steps; samples/s; RSS = peak of each run's process`);
console.log('a = mlp-blocks (trainStep + AdamW), b = plain tf.layers (trainOnBatch + Adam: tfjs has no AdamW), c = PyTorch (AdamW)\n');
console.log(formatTable(rows));
const hardware = hardwareRows(selected, runs, BATCH, blasPeak.gflops?.best);
console.log(`\nhardware use: FLOPs of the products (a)'s step runs (counted from one profiled step: bench/flops.mjs), × steps/s, against the sgemm peak above\n`);
console.log(formatHardware(hardware));
writeJsonAtomic(jsonPath, {
  kind: 'suite', date: new Date().toISOString(), machine,
  options: { workloads: workloadIds, impls, backend: values.backend, threads, windows, steps, warmup, timeoutMinutes },
  torch, blas: blasPeak, hardware, notes: [
    'b uses tf.train.adam: tfjs has no AdamW, so b skips the decoupled weight decay (a tiny difference in work per step)',
    'b: batch norm with frozen gamma/beta (center/scale true, trainable false) because center/scale false crashes in training (tfjs issue 2868)',
    'b: patch embedding as reshape/permute/dense (conv2d cannot train on wasm); c uses Conv2d(stride = kernel)',
  ],
  rows, runs,
});
console.log(`\nJSON: ${path.relative(process.cwd(), jsonPath)}`);
if (failed) process.exitCode = 1;
