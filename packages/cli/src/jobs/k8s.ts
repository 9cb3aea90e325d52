import { stringify } from 'yaml';
import { k8sMem } from './options.js';
import { shellQuote } from './quote.js';
import type { JobFile, SweepJobSpec } from './spec.js';

/** Kubernetes' side of a sweep: object names, image, the shared volume and the Job's policies. */
export interface K8sOptions {
  /** The Indexed Job's name; the merge Job is `<name>-merge`, the grid's ConfigMap `<name>-grid`. */
  name: string;
  image: string;
  /** A ReadWriteMany PersistentVolumeClaim that already exists: every pod mounts it at /results. */
  claim: string;
  /** Pods running at once (default: every shard). */
  parallelism: number;
  /** Retries of each index (backoffLimitPerIndex). */
  retries: number;
}

/** Where the volume is mounted, and the grid's ConfigMap. */
export const K8S_RESULTS_MOUNT = '/results';
const K8S_GRID_FILE = '/config/grid.json';

// The container scripts hold no value: every value comes from the container's env, so nothing needs quoting in
// them and a test can run them as they are (sh -c) with its own env. MLP_BLOCKS is split into words on purpose.
const SWEEP_SCRIPT = [
  'set -eu',
  'exec $MLP_BLOCKS sweep --grid "$GRID" --shard "$JOB_COMPLETION_INDEX/$SHARDS" --out "$RESULTS/shard-$JOB_COMPLETION_INDEX" --resume --progress log --backend "$BACKEND"',
];
const MERGE_SCRIPT = [
  'set -eu',
  'set --',
  'k=0',
  'while [ "$k" -lt "$SHARDS" ]; do set -- "$@" "$RESULTS/shard-$k"; k=$((k + 1)); done',
  '$MLP_BLOCKS merge --out "$RESULTS/merged" "$@"',
  'exec $MLP_BLOCKS report "$RESULTS/merged"',
];

/**
 * The job files of a sweep on Kubernetes: `sweep.yaml` (the grid as a ConfigMap, and an Indexed Job whose index
 * is the shard, retried per index, resuming from its checkpoint on the shared volume), `merge.yaml` (a Job that
 * merges and reports) and `submit.sh` (applies the first, waits for the Job, applies the second).
 */
export function k8sJobs(s: SweepJobSpec, o: K8sOptions): JobFile[] {
  const labels = { 'app.kubernetes.io/name': 'mlp-blocks-sweep', 'app.kubernetes.io/instance': o.name };
  const results = `${K8S_RESULTS_MOUNT}/${o.name}`;
  const resources = { requests: { cpu: String(s.cpus), memory: k8sMem(s.mem) }, limits: { cpu: String(s.cpus), memory: k8sMem(s.mem) } };
  const env = (more: Record<string, string>) => Object.entries({ MLP_BLOCKS: s.cli.join(' '), RESULTS: results, SHARDS: String(s.shards), ...more })
    .map(([name, value]) => ({ name, value }));
  const resultsVolume = { name: 'results', persistentVolumeClaim: { claimName: o.claim } };
  const extraArgs = [
    ...(s.maxParams !== undefined ? [' --max-params "$MAX_PARAMS"'] : []),
    ...(s.dataDir ? [' --data-dir "$DATA_DIR"'] : []),
  ].join('');
  const grid = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: `${o.name}-grid`, labels },
    data: { 'grid.json': s.gridText },
  };
  const sweep = {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: o.name, labels },
    spec: {
      completionMode: 'Indexed',
      completions: s.shards,
      parallelism: Math.min(o.parallelism, s.shards),
      // Retries count per index, so one failing shard cannot use up the others' (Kubernetes 1.29+; GA in 1.33).
      backoffLimitPerIndex: o.retries,
      // A pod evicted or preempted (DisruptionTarget) is retried without spending a retry: --resume continues it.
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          activeDeadlineSeconds: s.timeSeconds,
          containers: [{
            name: 'sweep',
            image: o.image,
            command: ['sh', '-c', `${SWEEP_SCRIPT.join('\n')}${extraArgs}\n`],
            env: env({
              GRID: K8S_GRID_FILE, BACKEND: s.backend,
              ...(s.maxParams !== undefined ? { MAX_PARAMS: String(s.maxParams) } : {}), ...(s.dataDir ? { DATA_DIR: s.dataDir } : {}),
            }),
            resources,
            volumeMounts: [{ name: 'grid', mountPath: '/config', readOnly: true }, { name: 'results', mountPath: K8S_RESULTS_MOUNT }],
          }],
          volumes: [{ name: 'grid', configMap: { name: `${o.name}-grid` } }, resultsVolume],
        },
      },
    },
  };
  const merge = {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: `${o.name}-merge`, labels },
    spec: {
      backoffLimit: 2,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          activeDeadlineSeconds: s.timeSeconds,
          containers: [{
            name: 'merge', image: o.image,
            command: ['sh', '-c', `${MERGE_SCRIPT.join('\n')}\n`],
            env: env({}),
            resources: { requests: { cpu: '1', memory: k8sMem(s.mem) }, limits: { cpu: '1', memory: k8sMem(s.mem) } },
            volumeMounts: [{ name: 'results', mountPath: K8S_RESULTS_MOUNT }],
          }],
          volumes: [resultsVolume],
        },
      },
    },
  };
  const written = `# Written by \`mlp-blocks jobs k8s\` (@mlp-blocks/cli ${s.version}).\n`;
  const yaml = (doc: unknown) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  const submit = [
    '#!/bin/sh',
    '# Applies the grid and the Indexed Job, waits until the Job completes or fails, then applies the merge Job.',
    written.trimEnd(),
    'set -eu',
    'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    'kubectl apply -f "$here/sweep.yaml"',
    `echo "waiting for job/${o.name} (${s.shards} indexes); kubectl get pods -l app.kubernetes.io/instance=${o.name} shows them"`,
    'while :; do',
    `  state=$(kubectl get job ${shellQuote(o.name)} -o 'jsonpath={.status.conditions[?(@.status=="True")].type}')`,
    '  case " $state " in',
    '    *" Complete "*) break ;;',
    `    *" Failed "*) echo "job/${o.name} failed (kubectl describe job ${o.name}); to retry, kubectl delete job ${o.name} and rerun this script: finished trials are kept" >&2; exit 1 ;;`,
    '  esac',
    '  sleep 30',
    'done',
    `kubectl delete job ${o.name}-merge --ignore-not-found  # a Job cannot be applied again; a rerun replaces it`,
    'kubectl apply -f "$here/merge.yaml"',
    `kubectl wait --for=condition=complete --timeout=${s.timeSeconds}s job/${o.name}-merge`,
    `echo "merged: ${results}/merged on claim ${o.claim} (report.md)"`,
    '',
  ];
  return [
    { name: 'sweep.yaml', text: `${written}${yaml(grid)}---\n${yaml(sweep)}` },
    { name: 'merge.yaml', text: `${written}${yaml(merge)}` },
    { name: 'submit.sh', text: submit.join('\n'), executable: true },
  ];
}
