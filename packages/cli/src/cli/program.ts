import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Command, InvalidArgumentError, Option } from 'commander';
// The families this application ships with; others come as plugins (see plugins.ts).
import '@mlp-blocks/hourglass';
import '@mlp-blocks/gmlp';
import '@mlp-blocks/mixer';
import { DEFAULT_MAX_PARAMS, listModelNames } from '@mlp-blocks/core';
import { type BackendName, listBackends, useBackend as startBackend } from '@mlp-blocks/backends/node';
import { DEFAULT_LOG_EVERY, PROGRESS_MODES, SCHEDULES } from '@mlp-blocks/train';
import { DATASETS, type DataLoader, TASKS } from '../run/tasks.js';
import { type Shard, parseShard, readGrid } from '../sweep/grid.js';
import { mergeSweeps } from '../sweep/merge.js';
import { runSweep } from '../sweep/sweep.js';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, seed } from './args.js';
import { loadPlugins, manifestPlugins } from './plugins.js';
import { gridSchema, modelSpecSchema } from './schema.js';
import { builtinLoader } from './data.js';
import { collectInfo, formatInfo } from './info.js';
import { collectInfoIsolated } from './info-probe.js';
import { inspectCommand } from './inspect.js';
import { benchSpec, formatBench } from './bench.js';
import { paramsOfSpec } from './params.js';
import { type TrainArgs, trainCommand } from './train.js';
import { registerInference } from './predict.js';
import { registerJobs } from '../jobs/command.js';
import { cliVersion } from './version.js';

/** The backend names registered now (built-ins, `blas` when its package loaded, and plugins' once loaded). */
const backendNames = () => ['auto', ...listBackends().filter((b) => b.platforms.includes('node')).map((b) => b.name)];
const backendHelp = () => `tfjs backend (${backendNames().join(', ')})`;

function shardOption(value: string): Shard {
  try {
    return parseShard(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Options of `createProgram` / `runCli`. */
export interface CliOptions {
  /** Loads the data of `train` and `sweep`. Default: only `--dataset synthetic` (datasets plug in here). */
  loadData?: DataLoader;
}

// Errors keep the one-line form of every CLI error: "--backend: <why not, and the fix>". Names are checked here,
// after plugins loaded (a plugin may provide a backend), not while the arguments are parsed.
function checkBackend(name: BackendName): void {
  const known = backendNames();
  if (!known.includes(name)) throw new Error(`--backend must be one of ${known.join(', ')}, received "${name}"`);
}

async function useBackend(name: BackendName): Promise<void> {
  checkBackend(name);
  try {
    await startBackend(name);
  } catch (e) {
    throw new Error(`--backend: ${(e as Error).message}`);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Repeated `--plugin` values accumulate. */
const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds `--plugin <package>` to a command: packages whose import registers families (or backends). */
function withPlugins(command: Command): Command {
  return command.option('--plugin <package>', 'import a package that registers model families (repeatable; also read from package.json "mlp-blocks".plugins)', collect, []);
}

/** Loads the plugins of the nearest package.json and of `--plugin`, before anything reads the registry. */
async function usePlugins(opts: { plugin?: string[] }): Promise<void> {
  const cwd = process.cwd();
  await loadPlugins([...manifestPlugins(cwd), ...(opts.plugin ?? []).map((name) => ({ name, from: '--plugin' }))], cwd);
}

/** The `mlp-blocks` command line as a commander program (exit is overridden; see runCli). */
export function createProgram(options: CliOptions = {}): Command {
  const loadData = options.loadData ?? builtinLoader;
  const program = new Command('mlp-blocks')
    .description('Train, sweep and inspect the mlp-blocks MLP models for TensorFlow.js')
    .version(cliVersion(), '-V, --version', 'print the version of @mlp-blocks/cli')
    .exitOverride();

  withPlugins(program
    .command('info')
    .description('print versions, which backends are usable here (and why not), the chosen one, blocks and models')
    .option('--backend <name>', backendHelp(), 'auto')
    .option('--json', 'print JSON for machines')
    .addOption(new Option('--in-process', 'probe here, not in a child process (native warnings go to stderr)').hideHelp()))
    .action(async (opts: { backend: BackendName; json?: boolean; plugin: string[]; inProcess?: boolean }) => {
      await usePlugins(opts);
      checkBackend(opts.backend);
      const info = opts.inProcess ? await collectInfo(opts.backend) : await collectInfoIsolated(opts.backend, opts.plugin);
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${formatInfo(info)}\n`);
    });

  withPlugins(program
    .command('params')
    .description('count the parameters of a model spec or preset (trainable, non-trainable, total)')
    .requiredOption('--spec <preset-json-or-file>', 'a preset (mixer_s16, …), a model spec as inline JSON or a JSON file, e.g. {"model":"hourglass",...}')
    .option('--input-dim <n>', 'input size of a flat model whose spec has none (784: MNIST)', positiveInt('--input-dim'), 784)
    .option('--output-dim <n>', 'output size of a flat model whose spec has none', positiveInt('--output-dim'), 784)
    .option('--max-params <n>', `the size cap to compare the total with (default ${DEFAULT_MAX_PARAMS.toLocaleString('en-US')}, as train, sweep and bench)`, positiveInt('--max-params'))
    .option('--json', 'print {"trainable","nonTrainable","total","maxParams","overCap"} as JSON'))
    .action(async (opts: { spec: string; json?: boolean; plugin: string[]; inputDim: number; outputDim: number; maxParams?: number }) => {
      await usePlugins(opts);
      const { method, ...counts } = paramsOfSpec(opts.spec, { inputDim: opts.inputDim, outputDim: opts.outputDim }, opts.maxParams ?? DEFAULT_MAX_PARAMS);
      const fmt = (n: number) => n.toLocaleString('en-US');
      const cap = counts.overCap
        ? `over the cap of ${fmt(counts.maxParams)}: train, sweep and bench need --max-params ${counts.total}\n`
        : `within the cap of ${fmt(counts.maxParams)}\n`;
      process.stdout.write(opts.json
        ? `${JSON.stringify(counts)}\n`
        : `trainable      ${fmt(counts.trainable)}\nnon-trainable  ${fmt(counts.nonTrainable)}\ntotal          ${fmt(counts.total)}\n(${method})\n${cap}`);
    });

  withPlugins(program
    .command('models')
    .description('list every model name: the registered families and their presets (what --model, specs and createModel take)')
    .option('--json', 'print JSON for machines'))
    .action(async (opts: { json?: boolean; plugin: string[] }) => {
      await usePlugins(opts);
      const names = listModelNames();
      const width = Math.max(...names.map((m) => m.name.length));
      process.stdout.write(opts.json ? `${JSON.stringify(names, null, 2)}\n`
        : `${names.map((m) => `${m.name.padEnd(width)}  ${m.kind === 'family' ? `family  ${m.packageName}` : `preset  of ${m.family}`}  ${m.description}`).join('\n')}\n`);
    });

  withPlugins(program
    .command('schema')
    .description('print the JSON Schema of model specs (or, with --grid, of grid files) for the registered families')
    .option('--grid', 'the schema of grid files instead of model specs'))
    .action(async (opts: { grid?: boolean; plugin: string[] }) => {
      await usePlugins(opts);
      process.stdout.write(`${JSON.stringify(opts.grid ? gridSchema() : modelSpecSchema(), null, 2)}\n`);
    });

  const data = program.command('data').description('look at data sets and data files');
  data
    .command('inspect')
    .description('describe a named data set (sizes, splits, files and their SHA-256, whether present) or a data file (IDX, CIFAR .bin, npz, CIFAR archive); never downloads')
    .argument('<name-or-file>', 'mnist, fashion-mnist, cifar10, cifar100, imagenet32, or a path')
    .option('--data-dir <dir>', 'look for a named data set\'s files in this directory')
    .option('--json', 'print JSON for machines')
    .action((target: string, opts: { json?: boolean; dataDir?: string }) => inspectCommand(target, opts));

  withPlugins(program
    .command('train')
    .description('train one model with AdamW, checkpointing in --out; the result is appended to --out/results.jsonl')
    .addOption(new Option('--task <name>', 'denoise | superres | genclass | classify').argParser(oneOf('--task', TASKS)).makeOptionMandatory())
    .addOption(new Option('--dataset <name>', DATASETS.join(' | ')).argParser(oneOf('--dataset', DATASETS)).makeOptionMandatory())
    .requiredOption('--model <preset-or-spec>', 'a preset (hourglass-tiny, hourglass-mnist, …), a JSON spec, or a JSON file')
    .option('--epochs <n>', 'training epochs', positiveInt('--epochs'), 1)
    .option('--batch-size <n>', 'examples per step', positiveInt('--batch-size'), 128)
    .option('--lr <rate>', 'peak learning rate', positiveNumber('--lr'), 1e-3)
    .option('--backend <name>', backendHelp(), 'wasm')
    .option('--seed <n>', 'seeds initial weights, shuffling and dropout', seed('--seed'), 0)
    .option('--out <dir>', 'run directory: checkpoint, best model, samples, results.jsonl (default: a new runs/<task>-<model>-<time>, printed at start)')
    .option('--resume', 'continue the unfinished run in --out from its last checkpoint')
    .option('--json', 'print the result record as JSON')
    .option('--schedule <kind>', `learning-rate schedule (${SCHEDULES.join(', ')})`, oneOf('--schedule', SCHEDULES), 'linear')
    .option('--warmup <steps>', 'linear warm-up steps', nonNegativeInt('--warmup'), 0)
    .option('--weight-decay <rate>', 'AdamW decoupled weight decay', nonNegativeNumber('--weight-decay'), 0.01)
    .option('--patience <epochs>', 'early stop after this many epochs without eval improvement (0: never)', nonNegativeInt('--patience'), 0)
    .option('--checkpoint-every <steps>', 'also checkpoint every this many steps (default: each epoch)', positiveInt('--checkpoint-every'))
    .option('--progress <mode>', `${PROGRESS_MODES.join(', ')} (auto: a bar on a terminal)`, oneOf('--progress', PROGRESS_MODES), 'auto')
    .option('--sigma <std>', 'denoising noise standard deviation (default 0.25, the paper\'s)', nonNegativeNumber('--sigma'))
    .option('--limit <n>', 'train on the first n training examples only, for quick runs', positiveInt('--limit'))
    .option('--eval-limit <n>', 'evaluate and test on the first n examples of the eval and test sets only', positiveInt('--eval-limit'))
    .option('--log-every <seconds>', 'seconds between progress lines when not on a terminal (0: every step)', nonNegativeNumber('--log-every'), DEFAULT_LOG_EVERY)
    .option('--data-dir <dir>', 'read the data set\'s files from this directory, never downloading (ImageNet-32 needs one)')
    .option('--max-params <n>', `refuse a model with more parameters than this, before building it (default ${DEFAULT_MAX_PARAMS.toLocaleString('en-US')})`, positiveInt('--max-params')))
    .action(async (opts: TrainArgs & { backend: BackendName; plugin: string[] }, cmd: Command) => {
      await usePlugins(opts);
      await useBackend(opts.backend);
      await trainCommand({ ...opts, lrGiven: cmd.getOptionValueSource('lr') === 'cli' }, loadData);
    });

  withPlugins(program
    .command('sweep')
    .description('train every model spec × learning rate × seed of a grid file; one line per finished trial in --out/results.jsonl')
    .requiredOption('--grid <file>', 'grid JSON: {"task","dataset","epochs","batchSize","models"|"spaces","lrs","seeds","maxParams"?}')
    .requiredOption('--out <dir>', 'sweep directory (one per shard)')
    .option('--resume', 'skip finished trials and continue the one in flight from its checkpoint')
    .option('--shard <k/n>', 'run only shard k of n (k is 0-based): every n-th trial starting at k', shardOption)
    .option('--max-params <n>', `keep only models with at most this many trainable parameters (without it or the grid's maxParams, a model over ${DEFAULT_MAX_PARAMS.toLocaleString('en-US')} is an error)`, positiveInt('--max-params'))
    .option('--backend <name>', backendHelp(), 'wasm')
    .option('--keep-models', 'keep each trial\'s best model under trials/<id>/model')
    .option('--data-dir <dir>', 'read the data set\'s files from this directory, never downloading (ImageNet-32 needs one)')
    .option('--progress <mode>', `${PROGRESS_MODES.join(', ')} (per trial)`, oneOf('--progress', PROGRESS_MODES), 'none')
    .option('--json', 'print a JSON summary'))
    .action(async (opts: { grid: string; out: string; resume?: boolean; shard?: Shard; maxParams?: number; backend: BackendName; keepModels?: boolean; dataDir?: string; progress: 'none'; json?: boolean; plugin: string[] }) => {
      await usePlugins(opts);
      const grid = readGrid(opts.grid);
      const shard = opts.shard ?? null;
      await useBackend(opts.backend);
      const r = await runSweep({
        grid, gridSource: `--grid ${opts.grid}`, out: opts.out, loadData, resume: opts.resume ?? false, shard, progress: opts.progress, keepModels: opts.keepModels ?? false, log,
        ...(opts.maxParams ? { maxParams: opts.maxParams } : {}), ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      });
      const summary = { out: opts.out, planned: r.planned.length, ran: r.ran.length, skipped: r.skipped, shard };
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `sweep ${opts.out}: ran ${r.ran.length}, skipped ${r.skipped} finished, of ${r.planned.length} planned trials\n`);
    });

  program
    .command('merge')
    .description('combine the output directories of sweep shards into one')
    .argument('<shard-dirs...>', 'directories written by `sweep --shard k/n`')
    .requiredOption('--out <dir>', 'merged sweep directory')
    .option('--allow-partial', 'succeed even if some planned trials are missing')
    .option('--json', 'print a JSON summary')
    .action((dirs: string[], opts: { out: string; allowPartial?: boolean; json?: boolean }) => {
      // Fails, writing nothing, when trials are missing (unless --allow-partial) or a shard's files are not to be trusted.
      const r = mergeSweeps(dirs, opts.out, { warn: log, allowPartial: opts.allowPartial ?? false });
      process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `merged ${r.merged} of ${r.planned} planned trials into ${opts.out}\n`);
    });

  program
    .command('report')
    .description('write report.md, pareto.svg, loss.svg and samples.png for a sweep or train directory')
    .argument('<dir>', 'directory holding results.jsonl')
    .option('--out <dir>', 'where to write the report (default: <dir>)')
    .option('--series-by <option>', 'one series (and frontier) per family and value of this spec option, e.g. lift')
    .option('--json', 'print the written files as JSON')
    .action(async (dir: string, opts: { out?: string; json?: boolean; seriesBy?: string }) => {
      const { writeReport } = await import('../report/report.js'); // Vega loads only when a report is drawn
      const files = await writeReport(dir, opts.out ?? dir, log, opts.seriesBy ? { seriesBy: opts.seriesBy } : {});
      process.stdout.write(opts.json ? `${JSON.stringify(files)}\n`
        : `report of ${files.trials} trials (${files.families.join(', ')}):\n  ${[files.markdown, files.svg, files.lossSvg, files.png].filter(Boolean).join('\n  ')}\n`);
    });

  withPlugins(program
    .command('bench')
    .description('training samples/s of a model spec on a backend: the fit step on a fixed random batch, median of timed windows after warm-up')
    .requiredOption('--model <preset-or-spec>', 'a preset or a JSON spec (inputDim/outputDim default to --input-dim/--output-dim)')
    .option('--input-dim <n>', 'input size when the spec has none', positiveInt('--input-dim'), 784)
    .option('--output-dim <n>', 'output size when the spec has none', positiveInt('--output-dim'), 784)
    .option('--batch-size <n>', 'examples per step', positiveInt('--batch-size'), 128)
    .option('--steps <n>', 'steps per timed window', positiveInt('--steps'), 10)
    .option('--warmup <n>', 'untimed steps first', nonNegativeInt('--warmup'), 3)
    .option('--windows <n>', 'timed windows (the median is reported)', positiveInt('--windows'), 5)
    .option('--max-params <n>', `refuse a model with more parameters than this, before building it (default ${DEFAULT_MAX_PARAMS.toLocaleString('en-US')})`, positiveInt('--max-params'))
    .option('--backend <name>', backendHelp(), 'wasm')
    .option('--json', 'print JSON for machines'))
    .action(async (opts: { model: string; inputDim: number; outputDim: number; batchSize: number; steps: number; warmup: number; windows: number; maxParams?: number; backend: BackendName; json?: boolean; plugin: string[] }) => {
      await usePlugins(opts);
      await useBackend(opts.backend);
      const r = await benchSpec(opts.model, opts);
      process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `${formatBench(r)}\n`);
    });

  registerInference(program, { withPlugins, usePlugins, useBackend, backendHelp, loadData }); // evaluate, predict
  registerJobs(program); // jobs slurm, jobs k8s
  return program;
}

/**
 * Imports the optional backend packages this application uses when they are installed: `@mlp-blocks/backend-blas`
 * registers the `blas` backend (its addon is only loaded when blas is asked for).
 */
export async function loadOptionalBackends(): Promise<void> {
  try {
    await import('@mlp-blocks/backend-blas');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' || !String((e as Error).message).includes('@mlp-blocks/backend-blas')) throw e;
  }
}

/** Runs the `mlp-blocks` command line; `argv` as in process.argv. Resolves to the exit code. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<number> {
  await loadOptionalBackends();
  const program = createProgram(options);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code; // commander already printed the message
    process.stderr.write(`mlp-blocks: ${(e as Error).message.split('\n')[0]}\n`);
    return 1;
  } finally {
    // The wasm-based backends keep worker handles alive; dispose the started ones so the process can exit
    // (tf.findBackend would start one that was never used: read the engine's table of started backends).
    const started = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
    for (const name of ['wasm', 'blas']) if (started[name]) tf.removeBackend(name);
  }
}
