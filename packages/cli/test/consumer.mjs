// @mlp-blocks/cli as a user installs it: the `mlp-blocks` binary lists the families it ships with, counts a preset
// in closed form, trains a tiny model on the built-in synthetic data and reports it, all from the packed tarballs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check } from './check.mjs';

const bin = join('node_modules', '.bin', 'mlp-blocks');
const run = (...args) => {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 300_000 });
  check(r.status === 0, `mlp-blocks ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
};
const models = JSON.parse(run('models', '--json')).map((m) => m.name);
for (const name of ['hourglass', 'hourglass_mnist', 'conventional', 'gmlp_ti16', 'mixer_s16', 'resmlp_12', 'tsmixer']) check(models.includes(name), `models lacks ${name}`);
const counts = JSON.parse(run('params', '--spec', 'mixer_s16', '--json'));
check(Math.abs(counts.trainable - 18.5e6) / 18.5e6 < 0.01, `mixer_s16 has ${counts.trainable} parameters`);
check(existsSync('node_modules/@mlp-blocks/cli/schema/grid.schema.json'), 'the package ships no grid schema');
const out = mkdtempSync(join(tmpdir(), 'mlp-blocks-cli-'));
try {
  const record = JSON.parse(run('train', '--task', 'denoise', '--dataset', 'synthetic', '--model', 'hourglass_tiny', '--epochs', '3',
    '--batch-size', '32', '--lr', '3e-3', '--out', out, '--json', '--progress', 'none'));
  check(record.testMetric > 12 && record.history.length === 3, `train record: ${JSON.stringify(record)}`);
  run('report', out);
  check(readFileSync(join(out, 'report.md'), 'utf8').includes('hourglass'), 'report.md does not mention the model');
  console.log(`models: ${models.length} names; mixer_s16 ${counts.trainable.toLocaleString('en-US')} parameters; hourglass_tiny test PSNR ${record.testMetric.toFixed(2)} dB after 3 epochs; report written`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
