import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Command, InvalidArgumentError } from 'commander';
import '@mlp-blocks/hourglass';
import '@mlp-blocks/mixer';
import { BACKEND_NAMES, type BackendName } from '@mlp-blocks/core/backends/node';
import { collectInfo, formatInfo } from './info.js';
import { paramsOfSpec } from './params.js';

const BACKENDS: readonly string[] = BACKEND_NAMES;

function backendOption(value: string): BackendName {
  if (!BACKENDS.includes(value)) throw new InvalidArgumentError(`must be one of ${BACKENDS.join(', ')}, received "${value}"`);
  return value as BackendName;
}

/** Builds the `mlp-blocks` command line; `argv` as in process.argv. Resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('mlp-blocks')
    .description('Train, sweep and inspect the mlp-blocks MLP models for TensorFlow.js')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('info')
    .description('print versions, which backends are usable here (and why not), the chosen one, blocks and models')
    .option('--backend <name>', `tfjs backend (${BACKENDS.join(', ')})`, backendOption, 'auto')
    .option('--json', 'print JSON for machines')
    .action(async (opts: { backend: BackendName; json?: boolean }) => {
      const info = await collectInfo(opts.backend);
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${formatInfo(info)}\n`);
    });

  program
    .command('params')
    .description('count the parameters of a model spec (trainable, non-trainable, total)')
    .requiredOption('--spec <json-or-file>', 'model spec as inline JSON or a JSON file, e.g. {"model":"hourglass",...}')
    .option('--json', 'print {"trainable","nonTrainable","total"} as JSON')
    .action((opts: { spec: string; json?: boolean }) => {
      const { method, ...counts } = paramsOfSpec(opts.spec);
      const fmt = (n: number) => n.toLocaleString('en-US');
      process.stdout.write(opts.json
        ? `${JSON.stringify(counts)}\n`
        : `trainable      ${fmt(counts.trainable)}\nnon-trainable  ${fmt(counts.nonTrainable)}\ntotal          ${fmt(counts.total)}\n(${method})\n`);
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code; // commander already printed the message
    process.stderr.write(`mlp-blocks: ${(e as Error).message}\n`);
    return 1;
  } finally {
    // The wasm backend keeps worker handles alive; dispose so the process can exit.
    if (tf.findBackend('wasm')) tf.removeBackend('wasm');
  }
}
