// Backends side by side on a shared machine: one (workload, backend) run of bench/run-one.mjs after another,
// the backends taking turns within each round, so a change in the machine's load hits all of them alike. Prints
// every run and the medians per (workload, backend) of mlp-blocks' training and inference samples/s; this is
// what `auto`'s order among the CPU backends rests on (docs/PERFORMANCE.md).
// Run: node bench/interleave.mjs [--backends tensorflow,blas,wasm --workloads 1,2 --rounds 3 --impl a --threads 2]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'tensorflow,blas,wasm' },
    workloads: { type: 'string', default: '1,2' },
    rounds: { type: 'string', default: '3' },
    impl: { type: 'string', default: 'a' },
    threads: { type: 'string', default: '2' },
  },
});
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`interleave: --rounds must be a positive integer, received "${values.rounds}"`);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** @type {Map<string, {train: number[], infer: number[]}>} */
const seen = new Map();
for (let round = 1; round <= rounds; round++) {
  for (const workload of list(values.workloads)) {
    for (const backend of list(values.backends)) {
      const args = [path.join(here, 'run-one.mjs'), '--workload', workload, '--impl', values.impl, '--backend', backend,
        '--threads', values.threads, '--windows', '3', '--steps', '10', '--warmup', '3'];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
      const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (r.status !== 0 || !line) {
        console.log(`round ${round} workload ${workload} ${backend}: FAILED (exit ${r.status ?? r.signal})`);
        continue;
      }
      const j = JSON.parse(line);
      const key = `${workload} ${backend}`;
      if (!seen.has(key)) seen.set(key, { train: [], infer: [] });
      seen.get(key).train.push(j.train.samplesPerSecond);
      seen.get(key).infer.push(j.infer.samplesPerSecond);
      console.log(`round ${round} workload ${workload} ${backend}: train ${j.train.samplesPerSecond}, infer ${j.infer.samplesPerSecond} samples/s (load ${load()})`);
    }
  }
}
console.log('\nworkload  backend     train (median)  infer (median)  runs');
for (const [key, { train, infer }] of seen) {
  const [workload, backend] = key.split(' ');
  console.log(`${workload.padEnd(8)}  ${backend.padEnd(10)}  ${String(Math.round(median(train))).padStart(14)}  ${String(Math.round(median(infer))).padStart(14)}  ${train.length}`);
}
