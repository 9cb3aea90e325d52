// The plugin case of the consumer tests: a family package written exactly as CONTRIBUTING.md's template (its
// files are read from the page), built and packed outside the workspace against core's tarball, then installed
// beside the packed CLI in a second scratch project, where `mlp-blocks` lists, counts, trains, sweeps, reports and
// describes it without any edit to this repository.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const FAMILY = 'mlp-blocks-swiglu';

/** The files of CONTRIBUTING.md's template: each `<!-- template: path -->` followed by a fenced block. */
export async function templateFiles(root) {
  const page = await readFile(join(root, 'CONTRIBUTING.md'), 'utf8');
  const files = {};
  for (const m of page.matchAll(/<!-- template: (\S+) -->\n```[a-z]*\n([\s\S]*?)\n```/g)) files[m[1]] = `${m[2]}\n`;
  for (const needed of ['package.json', 'tsconfig.json', 'src/index.ts']) {
    if (!files[needed]) throw new Error(`CONTRIBUTING.md has no template block for ${needed}`);
  }
  return files;
}

/** Runs a command to completion; resolves with its stdout alone, rejects with stdout and stderr. */
function stdoutOf(cmd, args, { cwd, timeout, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`\`${cmd} ${args.join(' ')}\` exited with ${code}\n${out}${err}`));
    });
  });
}

/** Runs the case; resolves to { install, example, out, needed } like the package cases. */
export async function runPluginCase({ tarballs, closure, run, checkInstall, peers, keep, root, timeout, env }) {
  const scratch = await mkdtemp(join(tmpdir(), 'mlp-blocks-consumer-plugin-'));
  const family = join(scratch, FAMILY);
  const app = join(scratch, 'app');
  const t0 = performance.now();
  try {
    // 1. The family package, from the page, built against core's tarball and packed.
    for (const [path, text] of Object.entries(await templateFiles(root))) {
      await mkdir(dirname(join(family, path)), { recursive: true });
      await writeFile(join(family, path), text);
    }
    const npmQuiet = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
    // One install: the template's devDependencies and its peers (core from its tarball, which is not on npm).
    await run('npm', ['install', '--no-save', ...npmQuiet, tarballs['@mlp-blocks/core'], ...Object.entries(peers).map(([n, v]) => `${n}@${v}`)], { cwd: family, timeout });
    await run('npm', ['pack', '--loglevel=error'], { cwd: family, timeout });
    const packed = (await readdir(family)).find((f) => f.startsWith(`${FAMILY}-`) && f.endsWith('.tgz'));
    if (!packed) throw new Error(`npm pack made no ${FAMILY} tarball in ${family}`);

    // 2. An application with the packed CLI and the family, which names it as a plugin in its package.json.
    const needed = await closure(['@mlp-blocks/cli']);
    const dependencies = { ...peers, [FAMILY]: `file:${join(family, packed)}` };
    for (const name of needed) dependencies[name] = `file:${tarballs[name]}`;
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies }, null, 2));
    await run('npm', ['install', ...npmQuiet], { cwd: app, timeout });
    await checkInstall(app, needed, tarballs);
    const t1 = performance.now();

    const cli = join(app, 'node_modules', '.bin', 'mlp-blocks');
    const mlp = (...args) => stdoutOf(cli, args, { cwd: app, timeout, env });
    const lines = [];
    const models = JSON.parse(await mlp('models', '--plugin', FAMILY, '--json'));
    const swiglu = models.filter((m) => m.family === 'swiglu').map((m) => m.name).join();
    if (swiglu !== 'swiglu,swiglu_tiny') throw new Error(`models --plugin ${FAMILY} lists ${swiglu || 'no swiglu names'}`);
    const spec = { model: 'swiglu', inputDim: 64, outputDim: 64, width: 24, hidden: 40, depth: 3, norm: 'rms' };
    const counts = JSON.parse(await mlp('params', '--plugin', FAMILY, '--spec', JSON.stringify(spec), '--json'));
    // The closed form must equal the built model's count (core's countParams of createModel's model).
    const built = JSON.parse((await stdoutOf(process.execPath, ['--input-type=module', '-e', [
      `import '@tensorflow/tfjs-backend-cpu'; import { countParams, createModel } from '@mlp-blocks/core'; import '${FAMILY}';`,
      `const { model: _m, ...o } = ${JSON.stringify(spec)}; console.log(JSON.stringify(countParams(createModel('swiglu', o))));`,
    ].join('\n')], { cwd: app, timeout, env })).trim().split('\n').pop());
    // params adds the cap it checked against (maxParams, overCap); the counts themselves must match.
    const { trainable, nonTrainable, total } = counts;
    if (JSON.stringify({ trainable, nonTrainable, total }) !== JSON.stringify(built)) throw new Error(`params ${JSON.stringify(counts)} but the built model has ${JSON.stringify(built)}`);
    lines.push(`models and params through --plugin: ${swiglu}; ${counts.trainable} trainable, equal to the built model`);

    const runDir = join(app, 'runs', 'one');
    const record = JSON.parse(await mlp('train', '--plugin', FAMILY, '--task', 'denoise', '--dataset', 'synthetic', '--model', 'swiglu_tiny',
      '--epochs', '3', '--batch-size', '32', '--lr', '3e-3', '--out', runDir, '--json', '--progress', 'none'));
    const [first, last] = [record.history?.[0]?.evalMetric, record.history?.at(-1)?.evalMetric];
    if (record.family !== 'swiglu' || !Number.isFinite(record.testMetric) || !(last > first + 0.5)) {
      throw new Error(`train did not learn: ${JSON.stringify(record).slice(0, 600)}`);
    }
    lines.push(`train: swiglu_tiny ${record.params.trainable} parameters, eval PSNR ${first.toFixed(2)} → ${last.toFixed(2)} dB over 3 epochs, test ${record.testMetric.toFixed(2)} dB`);

    // The sweep finds the plugin through package.json alone, as every shard of a cluster job would.
    const manifest = JSON.parse(await readFile(join(app, 'package.json'), 'utf8'));
    await writeFile(join(app, 'package.json'), JSON.stringify({ ...manifest, 'mlp-blocks': { plugins: [FAMILY] } }, null, 2));
    const grid = { task: 'denoise', dataset: 'synthetic', epochs: 1, batchSize: 64, lrs: [3e-3], seeds: [0],
      spaces: [{ model: 'swiglu', width: 16, hidden: [16, 32], depth: 1 }], models: [{ model: 'hourglass_tiny' }] };
    await writeFile(join(app, 'grid.json'), JSON.stringify(grid));
    const sweepDir = join(app, 'runs', 'sweep');
    const summary = JSON.parse(await mlp('sweep', '--grid', 'grid.json', '--out', sweepDir, '--json'));
    if (summary.ran !== 3) throw new Error(`sweep ran ${summary.ran} of 3 trials`);
    await mlp('report', sweepDir);
    const report = await readFile(join(sweepDir, 'report.md'), 'utf8');
    if (!report.includes('swiglu') || !report.includes('hourglass')) throw new Error('the sweep report lacks the swiglu or hourglass rows');
    const schema = await mlp('schema');
    if (!schema.includes('"swiglu_tiny"') || !schema.includes('Residual SwiGLU feed-forward network')) throw new Error('schema does not describe the swiglu family');
    lines.push('sweep (plugin from package.json): 3 trials, 2 swiglu + 1 hourglass; report and schema include swiglu');
    const t2 = performance.now();
    if (!keep) await rm(scratch, { recursive: true, force: true });
    return { install: (t1 - t0) / 1000, example: (t2 - t1) / 1000, out: lines.join('\n'), needed: [...needed, FAMILY] };
  } catch (err) {
    err.message += `\n(scratch projects kept at ${scratch})`;
    throw err;
  }
}
