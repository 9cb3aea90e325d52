// A real one-node Slurm cluster for the tests: munged, slurmctld and slurmd from Debian's slurm-wlm and munge,
// configured and run entirely inside a temporary directory (config, key, socket, state, spool, logs, free ports),
// without systemd or cgroups (proctrack/linuxproc, task/none), as the user running the tests.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/** The programs the cluster needs; `missingSlurm()` names those not on PATH (or in /usr/sbin). */
const PROGRAMS = ['munged', 'munge', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'sinfo', 'scancel'];
const SEARCH = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
const which = (name: string) => SEARCH.map((d) => join(d, name)).find((p) => existsSync(p));

export function missingSlurm(): string[] {
  return PROGRAMS.filter((p) => !which(p));
}

export interface Cluster {
  /** The environment every Slurm command (and the jobs) must see: SLURM_CONF points into the temp dir. */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm client command against this cluster. */
  slurm(command: string, ...args: string[]): { status: number | null; stdout: string; stderr: string };
  /** The daemons' logs, for failure messages. */
  logs(): string;
  /** Cancels every job, then stops the daemons (SIGTERM, then SIGKILL to each one's process group). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Jobs whose daemons were killed before they ended (slurmstepd and the job's processes leave the daemons'
 * process groups): every process of this cluster, and only those, has this cluster's SLURM_CONF in its environment.
 */
function killStragglers(marker: string): void {
  if (!existsSync('/proc')) return;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)) {
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) process.kill(pid, 'SIGKILL');
    } catch { /* gone, or not ours to read */ }
  }
}

/** Starts munged, slurmctld and slurmd with everything under `dir`; resolves once the node is idle. */
export async function startCluster(dir: string): Promise<Cluster> {
  const at = (...p: string[]) => join(dir, ...p);
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(at(d), { recursive: true });
  chmodSync(at('munge'), 0o711); // munged wants its socket's directory traversable, its key private
  writeFileSync(at('munge', 'munge.key'), randomBytes(1024), { mode: 0o600 });
  const user = userInfo().username;
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  writeFileSync(at('plugstack.conf'), '');
  const conf = at('slurm.conf');
  writeFileSync(conf, [
    'ClusterName=mlptest',
    'SlurmctldHost=localhost',
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${dPort}`,
    // Two CPUs whatever the machine has (config_overrides keeps a smaller machine from being drained), so two
    // array tasks of one CPU run at once and a one-CPU job in `urgent` must preempt exactly one of them.
    'NodeName=localhost CPUs=2 RealMemory=1024 State=UNKNOWN',
    'SlurmdParameters=config_overrides',
    // Jobs in `urgent` preempt jobs in `debug`, which are requeued (as on clusters with preemptible partitions).
    'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP PriorityTier=1',
    'PartitionName=urgent Nodes=localhost MaxTime=INFINITE State=UP PriorityTier=2',
    'PreemptType=preempt/partition_prio',
    'PreemptMode=REQUEUE',
    // Jobs are not requeueable unless they ask (#SBATCH --requeue): without it a preempted task is cancelled.
    'JobRequeue=0',
    'SchedulerParameters=sched_min_interval=100000', // schedule within 0.1 s of an event, not 2 s
    `SlurmUser=${user}`,
    `SlurmdUser=${user}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${at('munge', 'socket')}`,
    // No systemd, no cgroup delegation in containers: track processes by parent pid, bind nothing.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'MpiDefault=none',
    'ReturnToService=2',
    'KillWait=2',
    'MailProg=/bin/true',
    `PlugStackConfig=${at('plugstack.conf')}`,
    `StateSaveLocation=${at('state')}`,
    `SlurmdSpoolDir=${at('spool')}`,
    `SlurmctldPidFile=${at('slurmctld.pid')}`,
    `SlurmdPidFile=${at('slurmd.pid')}`,
    `SlurmctldLogFile=${at('log', 'slurmctld.log')}`,
    `SlurmdLogFile=${at('log', 'slurmd.log')}`,
    '',
  ].join('\n'));
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  // Each daemon in the foreground (-D, -F) and in its own process group, so stop() can end it and its children.
  const daemon = (name: string, ...args: string[]) => {
    const child = spawn(which(name)!, args, { env, detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
    daemons.push(child);
  };
  const killAll = (signal: NodeJS.Signals) => {
    for (const d of daemons) if (d.exitCode === null && d.signalCode === null && d.pid) try { process.kill(-d.pid, signal); } catch { /* gone */ }
  };
  // If the test process dies without afterAll, take the daemons with it.
  const onExit = () => killAll('SIGKILL');
  process.on('exit', onExit);

  const slurm = (command: string, ...args: string[]) => {
    const r = spawnSync(which(command)!, args, { env, encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const logs = () => ['slurmctld.log', 'slurmd.log'].map((f) => {
    const file = at('log', f);
    return existsSync(file) ? `--- ${f}\n${readFileSync(file, 'utf8').split('\n').slice(-30).join('\n')}` : `--- ${f}: none`;
  }).join('\n');
  const stop = async () => {
    slurm('scancel', '--full', `--user=${user}`); // jobs' processes end before the daemons do
    for (let i = 0; i < 50 && slurm('squeue', '-h').stdout.trim() !== ''; i++) await sleep(200);
    killAll('SIGTERM');
    for (let i = 0; i < 25 && daemons.some((d) => d.exitCode === null && d.signalCode === null); i++) await sleep(200);
    killAll('SIGKILL');
    killStragglers(`SLURM_CONF=${conf}`);
    process.off('exit', onExit);
  };

  daemon('munged', '-F', '--force', `--socket=${at('munge', 'socket')}`, `--key-file=${at('munge', 'munge.key')}`,
    `--log-file=${at('log', 'munged.log')}`, `--pid-file=${at('munge', 'munged.pid')}`, `--seed-file=${at('munge', 'seed')}`);
  for (let i = 0; i < 50 && !existsSync(at('munge', 'socket')); i++) await sleep(100);
  daemon('slurmctld', '-D', '-i');
  daemon('slurmd', '-D', '-N', 'localhost');
  // Ready when the node reports idle (the daemons talk through munge; a bad setup never gets there).
  for (let i = 0; i < 120; i++) {
    if (slurm('sinfo', '-h', '-n', 'localhost', '-o', '%T').stdout.trim() === 'idle') return { env, slurm, logs, stop };
    await sleep(250);
  }
  await stop();
  throw new Error(`the Slurm cluster in ${dir} did not come up in 30 s\n${logs()}`);
}
