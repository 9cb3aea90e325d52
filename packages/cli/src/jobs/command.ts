import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { writeFileAtomic } from '@mlp-blocks/train';
import { nonNegativeInt, positiveInt } from '../cli/args.js';
import { cliVersion } from '../cli/version.js';
import { readJsonFile } from '../run/json-limits.js';
import { gridHash, readGrid } from '../sweep/grid.js';
import { MANIFEST, checkManifest } from '../sweep/sweep.js';
import { K8S_RESULTS_MOUNT, k8sJobs } from './k8s.js';
import { type MemSize, commandWords, imageRef, k8sName, memSize, plainName, shardCount, timeLimit } from './options.js';
import { jobPath, shellQuote } from './quote.js';
import { slurmJobs, slurmLayout } from './slurm.js';
import type { JobFile, SweepJobSpec } from './spec.js';

interface CommonArgs {
  grid: string; out: string; shards: number; cpus: number; mem: MemSize; time: number; backend: string;
  maxParams?: number; dataDir?: string; cli?: string[]; json?: boolean;
}

/** What to run and where: the grid, the shard count and the output directory (first in --help). */
function what(command: Command, outHelp: string): Command {
  return command
    .requiredOption('--grid <file>', 'the grid file (checked now; a frozen copy goes with the job files)')
    .requiredOption('--shards <n>', 'how many shards: array tasks or Job indexes, each running sweep --shard k/n', shardCount('--shards'))
    .requiredOption('--out <dir>', outHelp);
}

/** The options both schedulers take: the resources of each task, and what is passed to every shard. */
function common(command: Command): Command {
  return command
    .option('--cpus <n>', 'CPUs of each task', positiveInt('--cpus'), 2)
    .addOption(new Option('--mem <size>', 'memory of each task: 512M, 4G, … (binary units)').argParser(memSize('--mem')).default({ mib: 4096 }, '4G'))
    .addOption(new Option('--time <limit>', 'wall-time limit of each task (each attempt): minutes, HH:MM:SS or D-HH:MM:SS')
      .argParser(timeLimit('--time')).default(4 * 3600, '04:00:00'))
    .option('--backend <name>', 'tfjs backend of the shards', plainName('--backend'), 'wasm')
    .option('--max-params <n>', 'passed to every shard (see sweep --max-params)', positiveInt('--max-params'))
    .option('--data-dir <dir>', 'passed to every shard: the data set\'s files, as a path where the jobs run')
    .option('--json', 'print the written files and the submit command as JSON');
}

function spec(a: CommonArgs, cli: string[]): SweepJobSpec {
  readGrid(a.grid); // errors name the file and the field now, not in every task later
  return {
    gridText: fs.readFileSync(a.grid, 'utf8'), shards: a.shards, cli, cpus: a.cpus, mem: a.mem, timeSeconds: a.time,
    backend: a.backend, version: cliVersion(),
    ...(a.maxParams !== undefined ? { maxParams: a.maxParams } : {}), ...(a.dataDir ? { dataDir: a.dataDir } : {}),
  };
}

/** Writes each file atomically (scripts made executable) and prints them and how to submit. */
function writeJobs(dir: string, files: JobFile[], submit: string, json: boolean | undefined): void {
  const written = files.map((f) => {
    const file = path.join(dir, f.name);
    writeFileAtomic(file, f.text);
    if (f.executable) fs.chmodSync(file, 0o755);
    return file;
  });
  process.stdout.write(json ? `${JSON.stringify({ files: written, submit })}\n` : `wrote\n  ${written.join('\n  ')}\nsubmit with:\n  ${submit}\n`);
}

/**
 * A directory that already holds shards of another grid or shard count would make every task fail on
 * --resume: refuse it now, naming the shard.
 */
function checkExistingShards(out: string, a: CommonArgs): void {
  if (!fs.existsSync(out)) return;
  const hash = gridHash(readGrid(a.grid));
  for (const entry of fs.readdirSync(out)) {
    const file = path.join(out, entry, MANIFEST);
    if (!/^shard-\d+$/.test(entry) || !fs.existsSync(file)) continue;
    const m = checkManifest(readJsonFile(file, '--out'), `--out ${file}`);
    if (m.gridHash !== hash || m.shard?.n !== a.shards) {
      throw new Error(`--out: ${file} is a shard of ${m.gridHash !== hash ? 'another grid' : `${m.shard?.n ?? 'no'} shards, not ${a.shards}`}; choose another --out directory (or remove its shard-* directories)`);
    }
  }
}

/** `mlp-blocks jobs slurm|k8s`: the job files that run a sweep on a cluster scheduler. */
export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('write the job files that run a sweep on a cluster scheduler: a Slurm job array or a Kubernetes Indexed Job, then merge and report');

  common(what(jobs
    .command('slurm')
    .description('write <out>/jobs/{sweep.sbatch,merge.sbatch,submit.sh}: a job array (one task per shard, --requeue, --resume) and a merge + report job after it (afterok)'),
  'the sweep\'s directory on a file system the compute nodes share: shard-<k>/, logs/, merged/ and the job files in jobs/')
    .option('--job-name <name>', 'Slurm job name (the merge job adds -merge)', plainName('--job-name'), 'mlp-sweep')
    .option('--partition <name>', 'Slurm partition (default: the cluster\'s default)', plainName('--partition'))
    .option('--cli <command>', 'how the compute nodes run mlp-blocks (default: this node and this mlp-blocks, by absolute path)', commandWords('--cli')))
    .action((a: CommonArgs & { jobName: string; partition?: string }) => {
      const out = jobPath('--out', a.out, true);
      const cli = a.cli ?? [process.execPath, fileURLToPath(new URL('../cli.js', import.meta.url))].map((p) => jobPath('--cli', p));
      const s = spec(a, cli);
      checkExistingShards(out, a);
      const at = slurmLayout(out);
      fs.mkdirSync(at.logs, { recursive: true }); // Slurm does not create the directory of --output
      writeJobs(at.jobs, slurmJobs(s, { out, jobName: a.jobName, ...(a.partition ? { partition: a.partition } : {}) }), `bash ${shellQuote(path.join(at.jobs, 'submit.sh'))}`, a.json);
    });

  common(what(jobs
    .command('k8s')
    .description(`write <out>/{sweep.yaml,merge.yaml,submit.sh}: the grid as a ConfigMap, an Indexed Job (one index per shard, retried per index, --resume) and a merge + report Job; results on a shared volume at ${K8S_RESULTS_MOUNT}/<name>`),
  'where to write the manifests')
    .option('--name <name>', 'the Job\'s name (merge Job <name>-merge, ConfigMap <name>-grid); results go to /results/<name>', k8sName('--name'), 'mlp-sweep')
    .option('--image <ref>', 'container image with Node 20+ (and mlp-blocks, if --cli names it)', imageRef('--image'), 'node:20-bookworm-slim')
    .option('--claim <name>', 'an existing ReadWriteMany PersistentVolumeClaim, mounted by every pod at /results', k8sName('--claim'), 'mlp-sweep-results')
    .option('--parallelism <n>', 'pods running at once (default: every shard)', positiveInt('--parallelism'))
    .option('--retries <n>', 'retries of each index (backoffLimitPerIndex)', nonNegativeInt('--retries'), 3)
    .option('--cli <command>', `how the container runs mlp-blocks (default: npx --yes @mlp-blocks/cli@${cliVersion()})`, commandWords('--cli')))
    .action((a: CommonArgs & { name: string; image: string; claim: string; parallelism?: number; retries: number }) => {
      const dir = jobPath('--out', a.out);
      const s = spec(a, a.cli ?? ['npx', '--yes', `@mlp-blocks/cli@${cliVersion()}`]);
      const files = k8sJobs(s, { name: a.name, image: a.image, claim: a.claim, parallelism: a.parallelism ?? a.shards, retries: a.retries });
      writeJobs(dir, files, `sh ${shellQuote(path.join(dir, 'submit.sh'))}`, a.json);
    });
}
