#!/usr/bin/env node
// Adds (or replaces) a shipped model from a finished `mlp-blocks train --out <run>` directory:
//
//   node packages/pretrained/scripts/add-model.mjs <name> <run-dir> --description "<one line>" --command "<train command>"
//
// 1. loads the run's best model and copies its weights, by name, into the family's own architecture built from the
//    run's spec (for an image family: without the CLI's flat-input adapter, so the model takes images like any
//    model of its family) and checks both give the same outputs;
// 2. saves it with core's saver into models/<name>/ with its weights stored as float16 (model.json's quantization
//    field; loading decodes them exactly as stored) and a new weightsSha256;
// 3. scores the shipped weights with the built CLI (`mlp-blocks evaluate`) on the first 2,000 test examples and on
//    the whole test split, and writes the entry (architecture, data, hash, command, scores) into models/manifest.json.
// Run `pnpm build` first.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/hourglass';
import '@mlp-blocks/gmlp';
import '@mlp-blocks/mixer';
import { buildModel, countParams, familyOf } from '@mlp-blocks/core';
import { loadModel, saveModel } from '@mlp-blocks/core/node';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const MODELS = `${PACKAGE}models/`;
const CLI = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));
const SUBSET = 2000;
const BATCH = 128;

const { positionals: [name, runDir], values } = parseArgs({ allowPositionals: true, options: { description: { type: 'string' }, command: { type: 'string' } } });
if (!name || !runDir || !values.description || !values.command) {
  console.error('usage: add-model.mjs <name> <run-dir> --description "<one line>" --command "<the train command>"');
  process.exit(2);
}
await tf.setBackend('cpu');

const record = JSON.parse(readFileSync(`${runDir}/result.json`, 'utf8'));
const { config } = record;
const isImage = familyOf(config.spec).inputKind === 'image';
const { inputDim: _inputDim, inputLayout: _inputLayout, ...imageSpec } = config.spec;
const spec = isImage ? imageSpec : config.spec;

// 1. The run's model → the family's own architecture, weights copied by name.
const trained = await loadModel(`${runDir}/model`);
const model = buildModel(spec, { seed: 0 });
const byName = new Map(trained.weights.map((w) => [w.originalName, w]));
model.setWeights(model.weights.map((w) => {
  const source = byName.get(w.originalName);
  if (!source || source.shape.join() !== w.shape.join()) throw new Error(`${runDir}: no weight ${w.originalName} [${w.shape}] in the run's model`);
  return source.read();
}));
if (byName.size !== model.weights.length) throw new Error(`${runDir}: the run's model has ${byName.size} weights, the architecture ${model.weights.length}`);
// One example's shape: the family's images (channel-last; MNIST has one channel), or the flat vector.
const inputShape = isImage ? [...spec.imageSize, spec.inputChannels] : [spec.inputDim];
if (isImage && (config.spec.inputLayout !== 'chw' || spec.inputChannels !== 1)) throw new Error(`${runDir}: only one-channel images are reshaped here`);
const probe = tf.randomUniform([4, config.spec.inputDim], 0, 1, 'float32', 7);
const same = tf.tidy(() => {
  const a = trained.predict(probe);
  const b = model.predict(tf.reshape(probe, [4, ...inputShape]));
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
});
if (same !== 0) throw new Error(`${runDir}: the rebuilt model's outputs differ from the run's by ${same}`);

// 2. Save, then store the weights as float16.
const dir = `${MODELS}${name}`;
const tmp = `${MODELS}.${name}.tmp`;
rmSync(tmp, { recursive: true, force: true });
await saveModel(model, tmp);
const json = JSON.parse(readFileSync(`${tmp}/model.json`, 'utf8'));
const specs = json.weightsManifest[0].weights;
const floats = new Float32Array(new Uint8Array(readFileSync(`${tmp}/weights.bin`)).buffer);
const halves = new Uint16Array(floats.length);
for (let i = 0; i < floats.length; i++) halves[i] = toHalf(floats[i]);
for (const s of specs) s.quantization = { dtype: 'float16' };
const bytes = new Uint8Array(halves.buffer);
json.weightsSha256 = createHash('sha256').update(bytes).digest('hex');
writeFileSync(`${tmp}/weights.bin`, bytes);
writeFileSync(`${tmp}/model.json`, JSON.stringify(json));
// The stored values decode to the float32 weights within float16's rounding (relative 2^-11, or 2^-24 near 0).
const decoded = tf.io.decodeWeights(bytes.buffer, specs);
let offset = 0;
for (const s of specs) {
  const v = decoded[s.name].dataSync();
  for (let i = 0; i < v.length; i++, offset++) {
    if (Math.abs(v[i] - floats[offset]) > Math.abs(floats[offset]) * 2 ** -11 + 2 ** -24) throw new Error(`float16 of ${s.name}[${i}]: ${floats[offset]} → ${v[i]}`);
  }
}
tf.dispose(Object.values(decoded));
rmSync(dir, { recursive: true, force: true });
renameSync(tmp, dir);

// 3. Score the shipped weights with the CLI, and write the manifest entry.
const data = { task: config.task, dataset: config.dataset, ...(config.task === 'denoise' ? { sigma: config.sigma ?? 0.25 } : {}) };
const evaluate = (...extra) => {
  const args = ['evaluate', dir, '--task', data.task, '--dataset', data.dataset, ...(data.sigma !== undefined ? ['--sigma', String(data.sigma)] : []), '--batch-size', String(BATCH), '--json', ...extra];
  const r = JSON.parse(execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop());
  return { split: r.split, examples: r.examples, batchSize: r.batchSize, metric: r.metricName, value: r.metric, loss: r.loss };
};
const entry = {
  name,
  description: values.description,
  spec,
  data,
  inputShape,
  params: countParams(model),
  weights: { dtype: 'float16', bytes: bytes.byteLength, sha256: json.weightsSha256 },
  training: {
    command: values.command, epochs: record.epochsRun, seconds: record.seconds,
    evalMetric: record.evalMetric, testMetric: record.testMetric, testLoss: record.testLoss,
  },
  score: { ...evaluate('--limit', String(SUBSET)), command: `mlp-blocks evaluate ${name} --plugin @mlp-blocks/pretrained --limit ${SUBSET} --json` },
  fullTest: evaluate(),
};
const manifestFile = `${MODELS}manifest.json`;
const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : { models: [] };
const at = manifest.models.findIndex((m) => m.name === name);
if (at >= 0) manifest.models[at] = entry;
else manifest.models.push(entry);
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${name}: ${entry.params.total} parameters, ${bytes.byteLength} bytes; ${entry.score.metric} ${entry.score.value} on the first ${SUBSET} test examples, ${entry.fullTest.value} on all`);
tf.dispose([probe]);
trained.dispose();
model.dispose();

/** The IEEE half-precision bits nearest a float32 (round to nearest, ties to even). */
function toHalf(value) {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  return sign | half;
}
