// The main job: an offline hourglass-vs-conventional denoising mini-sweep on the bundled MNIST at matched
// parameter budgets (docs/main-job-grid.json), then its report. It drives the built `mlp-blocks` CLI exactly as
// a user would, and prints where the report is. Backend: `blas` (the tfjs backend of @mlp-blocks/backend-blas:
// wasm kernels with OpenBLAS ones) where its addon was built, else stock wasm, with a line saying why.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError, useBackend } from '@mlp-blocks/backends/node';
import '@mlp-blocks/backend-blas'; // registers the `blas` backend with useBackend

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/dist/cli.js');
const gridFile = join(root, 'docs/main-job-grid.json');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const out = process.argv[2] ?? join(root, 'runs', `main-${stamp}`);
const grid = JSON.parse(readFileSync(gridFile, 'utf8'));

const t0 = performance.now();
const mlpBlocks = (...args) => {
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`main job: \`mlp-blocks ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

console.log(`main job: ${grid.task} on ${grid.dataset}, ${grid.models.length} models (hourglass vs conventional at matched budgets), grid ${relative(root, gridFile)}`);
const data = grid.limit ? `the first ${grid.limit.toLocaleString('en-US')} of 50,000 training examples` : 'all 50,000 training examples';
console.log(`short protocol: ${grid.epochs} epochs on ${data}, lr ${grid.lrs.join('/')} decaying linearly to 0, seed ${grid.seeds.join('/')}`
  + ' (the paper trains 30 epochs for its denoising frontiers; docs/results has that study); eval and test sets are whole (10,000 each)');
let backend = 'blas';
try {
  const choice = await useBackend('blas');
  console.log(`main job: backend blas (${choice.detail})`);
} catch (e) {
  if (!(e instanceof BackendUnavailableError)) throw e;
  backend = 'wasm';
  console.log(`main job: backend wasm, since blas is not usable here: ${e.reason}${e.fix ? ` (fix: ${e.fix})` : ''}`);
}
mlpBlocks('sweep', '--grid', gridFile, '--out', out, '--backend', backend);
mlpBlocks('report', out);

// The comparison the sweep is for: each budget's pair, side by side.
const records = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const byFamily = (f) => records.filter((r) => r.family === f).sort((a, b) => a.params.trainable - b.params.trainable);
const [conv, hg] = [byFamily('conventional'), byFamily('hourglass')];
console.log('\n| budget | conventional (params, test PSNR) | hourglass (params, test PSNR) | hourglass − conventional |');
console.log('|---|---|---|---:|');
conv.forEach((c, i) => {
  const h = hg[i];
  if (!h) return;
  const fmt = (r) => `${r.params.trainable.toLocaleString('en-US')}, ${r.testMetric.toFixed(2)} dB`;
  console.log(`| ${i + 1} | ${fmt(c)} | ${fmt(h)} | ${(h.testMetric - c.testMetric).toFixed(2)} dB |`);
});
const minutes = (performance.now() - t0) / 60000;
console.log(`\nmain job done in ${minutes.toFixed(1)} min; report: ${join(out, 'report.md')} (pareto.svg, samples.png beside it)`);
