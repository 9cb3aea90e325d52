// The emitted Slurm job files on a real one-node Slurm cluster (slurm-cluster.ts): the array runs a 4-trial grid
// as 2 shards; one task is preempted mid-trial, after a checkpoint, by a job in a higher-tier partition (Slurm's
// own preemption, PreemptMode=REQUEUE), is requeued, resumes from that checkpoint, and the merge job that submit.sh
// chained with afterok merges and reports. The merged results equal an unsharded run's, bit for bit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, readJsonl, run } from './helpers.js';
import { type Cluster, missingSlurm, startCluster } from './slurm-cluster.js';

const missing = missingSlurm();
// In CI the cluster must run: missing Slurm fails the test there instead of skipping it.
const skip = missing.length > 0 && process.env['CI'] !== 'true';
if (skip) process.stderr.write(`slurm.test.ts: SKIPPED the one-node Slurm cluster test: ${missing.join(', ')} not installed (apt-get install slurm-wlm munge)\n`);

const dir = mkdtempSync(join(tmpdir(), 'mlp-slurm-'));
let cluster: Cluster | null = null;
afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

// 4 trials (2 models × 2 seeds, a few seconds each), dealt round-robin: shard 0 gets both models' seed 0.
const grid = {
  task: 'denoise', dataset: 'synthetic', epochs: 8, batchSize: 16,
  models: [{ model: 'conventional', hidden: 128, depth: 2 }, { model: 'hourglass', width: 64, bottleneck: 8, depth: 2, lift: 'trainable' }],
  lrs: [0.003], seeds: [0, 1],
};
const withoutTime = ({ seconds: _s, ...rest }: Record<string, unknown>) => rest;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => T | null | undefined | false): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${cluster?.logs() ?? ''}`);
    await sleep(50);
  }
}

describe.skipIf(!existsSync(cli))('a sweep on a one-node Slurm cluster', () => {
  it.skipIf(skip)(`runs the emitted job array, survives a preemption mid-trial, and merges to the unsharded results${skip ? ` (SKIPPED: ${missing.join(', ')} not installed)` : ''}`, async () => {
    expect(missing, 'CI=true: the Slurm test needs slurm-wlm and munge (.ci/run installs them)').toEqual([]);
    // Spaces in the grid's and the sweep's paths: everything the job files hold is quoted.
    const gridFile = join(dir, 'grid file.json');
    writeFileSync(gridFile, JSON.stringify(grid));
    const out = join(dir, 'my sweep');
    const emitted = run('jobs', 'slurm', '--grid', gridFile, '--shards', '2', '--out', out, '--cpus', '1', '--mem', '256M', '--time', '10', '--backend', 'cpu', '--json');
    expect(emitted.status, emitted.stderr).toBe(0);
    const jobs = join(out, 'jobs');
    for (const f of ['sweep.sbatch', 'merge.sbatch', 'submit.sh']) expect(spawnSync('bash', ['-n', join(jobs, f)]).status, f).toBe(0);

    mkdirSync(join(dir, 'cluster'));
    cluster = await startCluster(join(dir, 'cluster'));
    const c = cluster;
    const test = c.slurm('sbatch', '--test-only', join(jobs, 'sweep.sbatch'));
    expect(test.status, test.stderr).toBe(0);
    expect(test.stderr).toMatch(/Job \d+ to start at .* on nodes localhost/);

    const t0 = Date.now();
    const submit = spawnSync('bash', [join(jobs, 'submit.sh')], { env: c.env, encoding: 'utf8' });
    expect(submit.status, submit.stderr).toBe(0);
    const [, array, merge] = /sweep array: job (\d+) \(2 tasks\); merge and report: job (\d+)/.exec(submit.stdout)!;
    expect(c.slurm('squeue', '-h', '-j', merge!, '-o', '%E').stdout.trim()).toBe(`afterok:${array}_*(unfulfilled)`);

    // Preempt a task in the middle of a trial: once both tasks have written the first checkpoint of a trial, a
    // one-CPU job in the higher-tier partition `urgent` needs a CPU, and Slurm preempts one task to free it.
    const inFlight = (k: number) => {
      const trials = join(out, `shard-${k}`, 'trials');
      return (existsSync(trials) ? readdirSync(trials) : []).find((id) => existsSync(join(trials, id, 'checkpoint.ckpt'))) ?? null;
    };
    const flying = await until('a checkpoint in both shards', 120_000, () => {
      const ids = [inFlight(0), inFlight(1)];
      return ids.every(Boolean) ? ids as string[] : null;
    });
    const urgent = c.slurm('sbatch', '--parsable', '--partition=urgent', '--cpus-per-task=1', `--output=${join(dir, 'urgent.out')}`, '--wrap', 'echo urgent ran; sleep 1');
    expect(urgent.status, urgent.stderr).toBe(0);
    // Once its processes have ended the preempted task is pending again, held back by Slurm for about two minutes
    // (Reason=BeginTime, as after any requeue); let it start again at once.
    const taskStates = () => new Map(c.slurm('squeue', '-h', '-r', '-j', array!, '-o', '%K %T %r').stdout.trim().split('\n').filter(Boolean)
      .map((l) => l.split(' ')).map(([k, ...state]) => [Number(k), state.join(' ')]));
    const preempted = await until('a preempted task to be pending', 60_000, () => {
      const held = [...taskStates()].filter(([, state]) => state === 'PENDING BeginTime').map(([k]) => k);
      return held.length > 0 ? held : null;
    });
    expect(preempted, 'a one-CPU job preempts one one-CPU task of two').toHaveLength(1);
    const k = preempted[0]!;
    const release = c.slurm('scontrol', 'update', `JobId=${array}_${k}`, 'StartTime=now');
    expect(release.status, release.stderr).toBe(0);

    await until('the array and the merge job to leave the queue', 150_000, () => c.slurm('squeue', '-h').stdout.trim() === '');
    const seconds = (Date.now() - t0) / 1000;
    process.stderr.write(`slurm.test.ts: array + preemption + merge took ${seconds.toFixed(1)} s on the cluster\n`);

    const logs = [0, 1].map((i) => readFileSync(join(out, 'logs', `sweep-${array}_${i}.out`), 'utf8'));
    const [hit, spared] = [logs[k]!, logs[1 - k]!];
    expect(hit, hit).toContain(`shard ${k}/2 on`);
    expect(hit).toContain('DUE TO PREEMPTION');
    expect(hit).toContain('start 1');
    expect(hit).toContain('start 2'); // requeued (only #SBATCH --requeue allows it: JobRequeue=0), same log appended
    expect(hit).toMatch(new RegExp(`resuming from .*trials/${flying[k]}/checkpoint\\.ckpt at epoch [2-8], step \\d+`));
    expect(spared).toContain('start 1');
    expect(spared).not.toContain('start 2');
    expect(spared).not.toContain('PREEMPTION');
    expect(readFileSync(join(dir, 'urgent.out'), 'utf8')).toBe('urgent ran\n');
    const mergeLog = readFileSync(join(out, 'logs', `merge-${merge}.out`), 'utf8');
    expect(mergeLog).toContain('merged 4 of 4 planned trials');

    // Nothing lost, nothing twice: each shard recorded each of its trials once.
    const shardIds = [0, 1].map((k) => readJsonl(join(out, `shard-${k}`, 'results.jsonl')).map((r) => r.id));
    expect(shardIds.map((ids) => ids.length)).toEqual([2, 2]);
    expect(shardIds[k]).toContain(flying[k]);
    const merged = readJsonl(join(out, 'merged', 'results.jsonl'));
    expect(existsSync(join(out, 'merged', 'report.md'))).toBe(true);

    // The same grid unsharded, in one process, off the cluster: same trials in the same order, same numbers.
    const ref = join(dir, 'unsharded');
    const r = run('sweep', '--grid', gridFile, '--out', ref, '--backend', 'cpu');
    expect(r.status, r.stderr).toBe(0);
    const expected = readJsonl(join(ref, 'results.jsonl'));
    expect(merged.map((x) => x.id)).toEqual(expected.map((x) => x.id));
    expect(new Set(merged.map((x) => x.id)).size).toBe(4);
    expect(merged.map(withoutTime)).toEqual(expected.map(withoutTime));
    // The resumed trial's samples (its best weights' outputs) are the same bytes as without the preemption.
    const resumed = flying[k]!;
    expect(readFileSync(join(out, 'merged', 'trials', resumed, 'samples.json'))).toEqual(readFileSync(join(ref, 'trials', resumed, 'samples.json')));
  }, 300_000);

  it.skipIf(skip)('on this cluster a preempted task without --requeue is cancelled for good (so the job file\'s --requeue is what saves it)', async () => {
    expect(cluster, 'the cluster of the test above').not.toBeNull();
    const c = cluster!;
    const script = join(dir, 'plain.sbatch');
    writeFileSync(script, '#!/bin/bash\n#SBATCH --array=0-1\n#SBATCH --cpus-per-task=1\nsleep 60\n');
    const array = c.slurm('sbatch', '--parsable', `--output=${join(dir, 'plain-%A_%a.out')}`, script).stdout.trim();
    const running = () => c.slurm('squeue', '-h', '-r', '-j', array, '-o', '%T').stdout.trim().split('\n').filter((l) => l === 'RUNNING').length;
    await until('both plain tasks to run', 60_000, () => running() === 2);
    expect(c.slurm('sbatch', '--partition=urgent', '--cpus-per-task=1', `--output=${join(dir, 'urgent2.out')}`, '--wrap', 'sleep 1').status).toBe(0);
    await until('one plain task to be preempted', 60_000, () => running() === 1);
    await sleep(2000);
    // The preempted task left the queue (not PENDING): one task remains, running.
    expect(c.slurm('squeue', '-h', '-r', '-j', array, '-o', '%T').stdout.trim()).toBe('RUNNING');
    c.slurm('scancel', array);
  }, 120_000);
});
