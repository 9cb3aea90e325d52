// `mlp-blocks jobs slurm|k8s` on the built binary: the files it writes (bash -n; the Kubernetes YAML parsed and
// checked against a JSON Schema of the Job fields it uses), option errors naming the option and the value, paths
// that cannot be quoted refused, and the Kubernetes container scripts run here, with the env the manifest gives
// them, as the pods would run them. (The Slurm files run on a real cluster in slurm.test.ts.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { commandWords, imageRef, k8sMem, k8sName, memSize, plainName, shardCount, slurmMem, slurmTime, timeLimit } from '../src/jobs/options.js';
import { cli, errorLines, readJsonl, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlp-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grid = {
  task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 64, limit: 128,
  models: [{ model: 'conventional', hidden: 16, depth: 1 }], lrs: [0.003], seeds: [0, 1, 2],
};
const gridFile = join(dir, 'grid.json');
writeFileSync(gridFile, `${JSON.stringify(grid, null, 2)}\n`);

const schema = JSON.parse(readFileSync(new URL('./k8s-jobs.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }).compile(schema);
const check = (doc: unknown) => (validate(doc) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

type Obj = Record<string, any>; // eslint-style looseness for reading parsed manifests
const docs = (file: string): Obj[] => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
  expect(d.errors, file).toEqual([]);
  return d.toJS() as Obj;
});
const envOf = (container: Obj): Record<string, string> => Object.fromEntries(container.env.map((e: Obj) => [e.name, e.value]));
const lastError = (args: string[]) => {
  const r = run(...args);
  expect(r.status).not.toBe(0);
  return errorLines(r).at(-1);
};

describe.skipIf(!existsSync(cli))('mlp-blocks jobs slurm', () => {
  it('writes a job array, a merge job and a submit script that pass bash -n, with the resources asked for', () => {
    const out = join(dir, 'slurm run');
    const r = run('jobs', 'slurm', '--grid', gridFile, '--shards', '3', '--out', out, '--cpus', '4', '--mem', '1536', '--time', '2-3',
      '--partition', 'gpu.small', '--job-name', 'my-sweep', '--max-params', '50000', '--data-dir', join(dir, 'data dir'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const jobs = join(out, 'jobs');
    const files = ['grid.json', 'sweep.sbatch', 'merge.sbatch', 'submit.sh'].map((f) => join(jobs, f));
    expect(JSON.parse(r.stdout)).toEqual({ files, submit: `bash '${join(jobs, 'submit.sh')}'` });
    for (const f of files.slice(1)) expect(spawnSync('bash', ['-n', f]).status, f).toBe(0);
    expect(statSync(join(jobs, 'submit.sh')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(out, 'logs'))).toBe(true); // Slurm would not create it
    expect(readFileSync(files[0]!, 'utf8')).toBe(readFileSync(gridFile, 'utf8')); // the frozen copy the tasks read

    const sweep = readFileSync(files[1]!, 'utf8');
    const directives = sweep.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(directives).toEqual([
      '#SBATCH --job-name=my-sweep', '#SBATCH --cpus-per-task=4', '#SBATCH --mem=1536M', '#SBATCH --time=2-03:00:00',
      '#SBATCH --partition=gpu.small', `#SBATCH --chdir="${out}"`, `#SBATCH --output="${out}/logs/sweep-%A_%a.out"`,
      '#SBATCH --array=0-2', '#SBATCH --requeue', '#SBATCH --open-mode=append',
    ]);
    expect(sweep).toContain('SHARDS=3');
    expect(sweep).toContain(`EXTRA=('--progress' 'log' '--backend' 'wasm' '--max-params' '50000' '--data-dir' '${join(dir, 'data dir')}')`);
    expect(sweep).toContain('exec "${MLP_BLOCKS[@]}" sweep --grid "$GRID" --shard "$K/$SHARDS" --out "$RESULTS/shard-$K" --resume "${EXTRA[@]}"');
    const merge = readFileSync(files[2]!, 'utf8');
    expect(merge).toContain('#SBATCH --job-name=my-sweep-merge');
    expect(merge).toContain('#SBATCH --cpus-per-task=1');
    const submit = readFileSync(files[3]!, 'utf8');
    expect(submit).toContain('--dependency="afterok:$array" --kill-on-invalid-dep=yes');
  });

  it('the array script maps the task index to --shard k/n, refuses an index past n, and needs sbatch', () => {
    const out = join(dir, 'slurm-exec');
    expect(run('jobs', 'slurm', '--grid', gridFile, '--shards', '2', '--out', out, '--cli', 'echo', '--backend', 'cpu').status).toBe(0);
    const script = join(out, 'jobs', 'sweep.sbatch');
    // --cli echo: the script prints the command it would run, with the shard of this array task.
    const task = (env: Record<string, string>) => spawnSync('bash', [script], { encoding: 'utf8', env: { PATH: process.env['PATH'], ...env } });
    const one = task({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '1', SLURM_RESTART_COUNT: '1' });
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout.split('\n')).toEqual([
      expect.stringMatching(/^shard 1\/2 on .+, start 2$/),
      `sweep --grid ${out}/jobs/grid.json --shard 1/2 --out ${out}/shard-1 --resume --progress log --backend cpu`, '',
    ]);
    const past = task({ SLURM_ARRAY_TASK_ID: '2' });
    expect(past.status).toBe(2);
    expect(past.stderr).toContain('sweep.sbatch: array index 2 is not a shard of 2');
    const bare = task({});
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain('submit this script with sbatch: it is a job array');
  });

  it('refuses paths an #SBATCH line or a script cannot hold, writing nothing', () => {
    for (const [bad, what] of [['100%', '"%"'], ['say "hi"', '"""'], ['back\\slash', '"\\"']] as const) {
      const out = join(dir, bad);
      expect(lastError(['jobs', 'slurm', '--grid', gridFile, '--shards', '2', '--out', out])).toBe(`mlp-blocks: --out: ${out} holds ${what}, which an #SBATCH line cannot hold literally (Slurm reads % as a file-name pattern and " and \\ as its quoting); choose another path`);
      expect(existsSync(out)).toBe(false);
    }
    const newline = join(dir, 'two\nlines');
    expect(lastError(['jobs', 'k8s', '--grid', gridFile, '--shards', '2', '--out', newline]))
      .toBe(`mlp-blocks: --out: ${JSON.stringify(newline)} holds a control character (a newline, tab, …), which cannot be written into a job file; choose another path`);
    expect(existsSync(newline)).toBe(false);
  });

  it('refuses a directory holding shards of another shard count or grid', () => {
    const out = join(dir, 'reused');
    const shard = run('sweep', '--grid', gridFile, '--out', join(out, 'shard-0'), '--shard', '0/2', '--backend', 'cpu');
    expect(shard.status, shard.stderr).toBe(0);
    expect(run('jobs', 'slurm', '--grid', gridFile, '--shards', '2', '--out', out).status).toBe(0); // the same sweep: fine
    expect(lastError(['jobs', 'slurm', '--grid', gridFile, '--shards', '3', '--out', out]))
      .toBe(`mlp-blocks: --out: ${join(out, 'shard-0', 'sweep.json')} is a shard of 2 shards, not 3; choose another --out directory (or remove its shard-* directories)`);
    const other = join(dir, 'other-grid.json');
    writeFileSync(other, JSON.stringify({ ...grid, seeds: [7] }));
    expect(lastError(['jobs', 'slurm', '--grid', other, '--shards', '2', '--out', out]))
      .toBe(`mlp-blocks: --out: ${join(out, 'shard-0', 'sweep.json')} is a shard of another grid; choose another --out directory (or remove its shard-* directories)`);
  });
});

describe('jobs options', () => {
  // The parsers directly (fast); one case below goes through the binary for commander's prefix.
  it.each([
    [memSize('--mem'), '4GB', '--mem must be a size such as 512M, 4G or 1T (an integer, then K, M, G or T; no unit means M)'],
    [memSize('--mem'), '0', '--mem must be a size such as 512M, 4G or 1T (an integer, then K, M, G or T; no unit means M) of at least 1M'],
    [timeLimit('--time'), '1:60', '--time must be a time limit in Slurm\'s forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, and not zero'],
    [timeLimit('--time'), '0', '--time must be a time limit in Slurm\'s forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, and not zero'],
    [shardCount('--shards'), '0', '--shards must be an integer from 1 to 10000 (Slurm\'s default MaxArraySize is 1001)'],
    [plainName('--job-name'), 'a b', '--job-name must be letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit)'],
    [plainName('--partition'), 'p;rm', '--partition must be letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit)'],
    [commandWords('--cli'), 'node $(rm -rf ~)', '--cli must be a command such as "mlp-blocks" or "npx --yes @mlp-blocks/cli", made of words of letters, digits and @%+=:,./_- (no quotes, $, globs or ;)'],
    [k8sName('--name'), 'My_Sweep', '--name must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 50 characters'],
    [k8sName('--claim'), 'x-', '--claim must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 50 characters'],
    [imageRef('--image'), 'node 20', '--image must be an image reference such as node:20-bookworm-slim or registry.example/mlp:1.2'],
  ] as Array<[(v: string) => unknown, string, string]>)('%#: "%s" is refused naming the option and the value', (parse, value, message) => {
    expect(() => parse(value)).toThrow(`${message}, received "${value}"`);
  });

  it('sizes and times convert to each scheduler\'s units', () => {
    const mem = memSize('--mem');
    expect([mem('2G'), mem('1536'), mem('512K'), mem('1t')].map((m) => [slurmMem(m), k8sMem(m)])).toEqual([['2G', '2Gi'], ['1536M', '1536Mi'], ['1M', '1Mi'], ['1024G', '1024Gi']]);
    const time = timeLimit('--time');
    const cases = ['90', '1:30', '01:30:00', '2-3', '2-3:04', '1-00:00:01'].map((t) => [t, time(t), slurmTime(time(t))]);
    expect(cases).toEqual([['90', 5400, '01:30:00'], ['1:30', 90, '00:01:30'], ['01:30:00', 5400, '01:30:00'], ['2-3', 183600, '2-03:00:00'],
      ['2-3:04', 183840, '2-03:04:00'], ['1-00:00:01', 86401, '1-00:00:01']]);
  });

  it.skipIf(!existsSync(cli))('the command line prefixes the option, as for every flag', () => {
    expect(lastError(['jobs', 'slurm', '--grid', gridFile, '--shards', '2', '--out', join(dir, 'opts'), '--mem', '4GB']))
      .toBe('error: option \'--mem <size>\' argument \'4GB\' is invalid. --mem must be a size such as 512M, 4G or 1T (an integer, then K, M, G or T; no unit means M), received "4GB"');
    expect(existsSync(join(dir, 'opts'))).toBe(false);
  });

  it.skipIf(!existsSync(cli))('a bad grid fails now, naming the file', () => {
    const bad = join(dir, 'bad-grid.json');
    writeFileSync(bad, JSON.stringify({ ...grid, epochs: 0 }));
    expect(lastError(['jobs', 'k8s', '--grid', bad, '--shards', '2', '--out', join(dir, 'k8s-bad')])).toMatch(new RegExp(`^mlp-blocks: .*${bad}.*epochs`));
    expect(existsSync(join(dir, 'k8s-bad'))).toBe(false);
  });
});

describe.skipIf(!existsSync(cli))('mlp-blocks jobs k8s', () => {
  const out = join(dir, 'k8s');
  const emit = () => run('jobs', 'k8s', '--grid', gridFile, '--shards', '3', '--out', out, '--name', 'mnist-sweep', '--claim', 'shared-results',
    '--image', 'registry.example/mlp:1.2', '--cpus', '3', '--mem', '6G', '--time', '90', '--parallelism', '2', '--retries', '5', '--backend', 'cpu',
    '--max-params', '40000', '--cli', 'mlp-blocks');

  it('writes a ConfigMap + Indexed Job and a merge Job that parse and pass the schema of the fields used', () => {
    const r = emit();
    expect(r.status, r.stderr).toBe(0);
    const [configMap, job, ...rest] = docs(join(out, 'sweep.yaml'));
    expect(rest).toEqual([]);
    const [merge, ...none] = docs(join(out, 'merge.yaml'));
    expect(none).toEqual([]);
    for (const d of [configMap, job, merge]) expect(check(d)).toEqual([]);

    expect(configMap!.metadata.name).toBe('mnist-sweep-grid');
    expect(configMap!.data['grid.json']).toBe(readFileSync(gridFile, 'utf8'));
    expect(job!.metadata.name).toBe('mnist-sweep');
    expect(job!.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 2, backoffLimitPerIndex: 5 });
    const pod = job!.spec.template.spec;
    expect(pod).toMatchObject({ restartPolicy: 'Never', activeDeadlineSeconds: 5400 });
    const [c] = pod.containers;
    expect(c).toMatchObject({ image: 'registry.example/mlp:1.2', resources: { requests: { cpu: '3', memory: '6Gi' }, limits: { cpu: '3', memory: '6Gi' } } });
    expect(envOf(c)).toEqual({ MLP_BLOCKS: 'mlp-blocks', RESULTS: '/results/mnist-sweep', SHARDS: '3', GRID: '/config/grid.json', BACKEND: 'cpu', MAX_PARAMS: '40000' });
    expect(c.command[2]).toContain('--shard "$JOB_COMPLETION_INDEX/$SHARDS" --out "$RESULTS/shard-$JOB_COMPLETION_INDEX" --resume');
    // Every mount names a volume of the pod; the results volume is the shared claim, in both Jobs.
    for (const p of [pod, merge!.spec.template.spec]) {
      const volumes = new Map(p.volumes.map((v: Obj) => [v.name, v]));
      for (const m of p.containers[0].volumeMounts) expect(volumes.has(m.name), m.name).toBe(true);
      expect(volumes.get('results')).toEqual({ name: 'results', persistentVolumeClaim: { claimName: 'shared-results' } });
    }
    expect(merge!.metadata.name).toBe('mnist-sweep-merge');
    for (const script of [c.command[2], merge!.spec.template.spec.containers[0].command[2], readFileSync(join(out, 'submit.sh'), 'utf8')]) {
      expect(spawnSync('sh', ['-n'], { input: script }).status, script).toBe(0);
    }
  });

  it('the schema refuses what the API server would (so passing it means something)', () => {
    const [, job] = docs(join(out, 'sweep.yaml'));
    const edit = (f: (j: Obj) => void) => {
      const j = structuredClone(job!);
      f(j);
      return check(j);
    };
    expect(edit((j) => { j.spec.completionMode = 'NonIndexed'; })).not.toEqual([]); // backoffLimitPerIndex needs Indexed
    expect(edit((j) => { j.spec.template.spec.restartPolicy = 'OnFailure'; })).not.toEqual([]);
    expect(edit((j) => { j.spec.backofLimitPerIndex = 1; })).not.toEqual([]); // a typo
    expect(edit((j) => { j.spec.template.spec.containers[0].resources.limits.memory = '6 GB'; })).not.toEqual([]);
    expect(edit((j) => { delete j.spec.completions; })).not.toEqual([]);
    expect(edit((j) => { j.metadata.name = 'Mnist'; })).not.toEqual([]);
  });

  it('the containers\' scripts, run here with the env the manifest gives them, sweep 3 shards and merge them', () => {
    const [, job] = docs(join(out, 'sweep.yaml'));
    const [merge] = docs(join(out, 'merge.yaml'));
    const results = join(dir, 'pvc', 'mnist-sweep');
    mkdirSync(results, { recursive: true });
    // What the cluster provides: the mounts (here directories) and the index; MLP_BLOCKS runs the built CLI.
    const podEnv = (container: Obj, index?: number) => ({
      ...process.env, ...envOf(container), MLP_BLOCKS: `${process.execPath} ${cli}`, RESULTS: results, GRID: gridFile,
      ...(index !== undefined ? { JOB_COMPLETION_INDEX: String(index) } : {}),
    });
    const sweep = job!.spec.template.spec.containers[0];
    for (const k of [0, 1, 2]) {
      const r = spawnSync(sweep.command[0], sweep.command.slice(1), { env: podEnv(sweep, k), encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const m = merge!.spec.template.spec.containers[0];
    const r = spawnSync(m.command[0], m.command.slice(1), { env: podEnv(m), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('merged 3 of 3 planned trials');
    expect(existsSync(join(results, 'merged', 'report.md'))).toBe(true);
    expect(readJsonl(join(results, 'merged', 'results.jsonl')).map((x) => (x.config as Obj).seed)).toEqual([0, 1, 2]);
  }, 120_000);
});
