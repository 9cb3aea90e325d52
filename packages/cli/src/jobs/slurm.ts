import * as path from 'node:path';
import { slurmMem, slurmTime } from './options.js';
import { sbatchQuote, shellQuote } from './quote.js';
import type { JobFile, SweepJobSpec } from './spec.js';

/** Slurm's side of a sweep: the directory everything goes under, and the scheduler's own settings. */
export interface SlurmOptions {
  /** Absolute, checked by jobPath(…, true): shards, merge, logs, and the job files in `jobs/`. */
  out: string;
  jobName: string;
  partition?: string;
}

/** Where `slurmJobs` puts things under `out`. */
export const slurmLayout = (out: string) => ({
  jobs: path.join(out, 'jobs'),
  logs: path.join(out, 'logs'),
  shard: (k: number) => path.join(out, `shard-${k}`),
  merged: path.join(out, 'merged'),
});

const array = (name: string, words: string[]) => `${name}=(${words.map(shellQuote).join(' ')})`;

function directives(o: SlurmOptions, s: SweepJobSpec, name: string, log: string): string[] {
  return [
    `#SBATCH --job-name=${name}`,
    `#SBATCH --cpus-per-task=${s.cpus}`,
    `#SBATCH --mem=${slurmMem(s.mem)}`,
    `#SBATCH --time=${slurmTime(s.timeSeconds)}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    `#SBATCH --chdir=${sbatchQuote(o.out)}`,
    `#SBATCH --output=${sbatchQuote(path.join(slurmLayout(o.out).logs, log))}`,
  ];
}

/**
 * The job files of a sweep on Slurm: `sweep.sbatch` (a job array, one task per shard, requeued and resumed
 * after a preemption or node failure), `merge.sbatch` (merge and report) and `submit.sh` (submits both, the
 * merge with `afterok` on the array), plus the frozen `grid.json` they read.
 */
export function slurmJobs(s: SweepJobSpec, o: SlurmOptions): JobFile[] {
  const at = slurmLayout(o.out);
  const header = (what: string) => [
    '#!/bin/bash',
    `# ${what}`,
    `# Written by \`mlp-blocks jobs slurm\` (@mlp-blocks/cli ${s.version}); submit with submit.sh beside it.`,
  ];
  const common = [
    array('MLP_BLOCKS', s.cli),
    `RESULTS=${shellQuote(o.out)}`,
    `SHARDS=${s.shards}`,
  ];
  const extra = ['--progress', 'log', '--backend', s.backend, ...(s.maxParams !== undefined ? ['--max-params', String(s.maxParams)] : []), ...(s.dataDir ? ['--data-dir', s.dataDir] : [])];
  const sweep = [
    ...header(`The sweep of grid.json as a Slurm job array: array task k runs shard k of ${s.shards} into shard-k.`),
    ...directives(o, s, o.jobName, 'sweep-%A_%a.out'),
    `#SBATCH --array=0-${s.shards - 1}`,
    '# A task stopped by preemption or a node failure goes back to the queue, and appends to its log when it runs again.',
    '#SBATCH --requeue',
    '#SBATCH --open-mode=append',
    'set -euo pipefail',
    '',
    ...common,
    `GRID=${shellQuote(path.join(at.jobs, 'grid.json'))}`,
    array('EXTRA', extra),
    '',
    '# n is fixed when the script is written, not read from SLURM_ARRAY_TASK_COUNT: resubmitting only some',
    '# indices (sbatch --array=3,5 sweep.sbatch) gives that count 2, which would deal the trials differently.',
    'K=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}',
    'if [ "$K" -ge "$SHARDS" ]; then',
    '  echo "sweep.sbatch: array index $K is not a shard of $SHARDS (use --array=0-$((SHARDS - 1)) or a subset)" >&2',
    '  exit 2',
    'fi',
    'echo "shard $K/$SHARDS on $(hostname), start $(( ${SLURM_RESTART_COUNT:-0} + 1 ))"',
    '# --resume: a requeued task skips its finished trials and continues the one in flight from its checkpoint.',
    'exec "${MLP_BLOCKS[@]}" sweep --grid "$GRID" --shard "$K/$SHARDS" --out "$RESULTS/shard-$K" --resume "${EXTRA[@]}"',
    '',
  ];
  const merge = [
    ...header('Merges the shards of the sweep array into merged/ and writes its report; submitted after the array (afterok).'),
    ...directives(o, { ...s, cpus: 1 }, `${o.jobName}-merge`, 'merge-%j.out'),
    'set -euo pipefail',
    '',
    ...common,
    '',
    'shards=()',
    'for ((k = 0; k < SHARDS; k++)); do shards+=("$RESULTS/shard-$k"); done',
    '# Fails, writing nothing, while a planned trial has no result (see `mlp-blocks merge --allow-partial`).',
    '"${MLP_BLOCKS[@]}" merge --out "$RESULTS/merged" "${shards[@]}"',
    '"${MLP_BLOCKS[@]}" report "$RESULTS/merged"',
    '',
  ];
  const submit = [
    '#!/bin/bash',
    '# Submits the sweep array, then the merge job, which starts once every array task has succeeded (afterok) and',
    '# is cancelled if one fails for good (--kill-on-invalid-dep). Arguments go to both sbatch calls (e.g. --account=x).',
    `# Written by \`mlp-blocks jobs slurm\` (@mlp-blocks/cli ${s.version}).`,
    'set -euo pipefail',
    '',
    `JOBS=${shellQuote(at.jobs)}`,
    `mkdir -p ${shellQuote(at.logs)}  # Slurm does not create the directory of --output`,
    'array=$(sbatch --parsable "$@" "$JOBS/sweep.sbatch")',
    'array=${array%%;*}  # --parsable prints <job id>[;<cluster>]',
    'merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "$@" "$JOBS/merge.sbatch")',
    'merge=${merge%%;*}',
    `echo "sweep array: job $array (${s.shards} tasks); merge and report: job $merge, after the array succeeds"`,
    `echo "results: ${at.merged.replace(/["$`\\]/g, '\\$&')} (report.md), logs: ${at.logs.replace(/["$`\\]/g, '\\$&')}"`,
    '',
  ];
  return [
    { name: 'grid.json', text: s.gridText },
    { name: 'sweep.sbatch', text: sweep.join('\n') },
    { name: 'merge.sbatch', text: merge.join('\n') },
    { name: 'submit.sh', text: submit.join('\n'), executable: true },
  ];
}
