import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dense } from '../layers/dense.js';
import type { Layer, Shape } from '../types.js';

/** What `checkConformance` needs to exercise a layer. */
export interface ConformanceOptions {
  /** Shown in failure messages. */
  name: string;
  /** Makes a fresh, unbuilt layer each call. */
  create: () => Layer;
  /** Input shape without the batch axis. */
  inputShape: number[];
  /** Default 4. */
  batchSize?: number;
  /** Tolerance for save → load and config round-trip outputs. Default 1e-6. */
  tolerance?: number;
  /** Set false for layers without trainable weights (the gradient and fit checks are skipped). */
  trainable?: boolean;
  /** Training steps in the fit check. Default 20. */
  fitSteps?: number;
  /** Seed for the random inputs and targets. Default 1. */
  seed?: number;
}

/** The outcome of one conformance check, with the detail of what failed. */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

/** Thrown by `checkConformance` when any check fails; the message lists every failed check. */
export class ConformanceError extends Error {
  readonly results: CheckResult[];
  constructor(name: string, results: CheckResult[]) {
    const failed = results.filter((r) => !r.ok);
    super(`${name} failed ${failed.length} conformance check(s):\n${failed.map((r) => `  - ${r.check}: ${r.detail}`).join('\n')}`);
    this.name = 'ConformanceError';
    this.results = results;
  }
}

type Check = () => Promise<string> | string;

/**
 * Runs the block conformance checks and throws a ConformanceError listing every failing one:
 * output shape vs computeOutputShape, config round-trip through the constructor and the tfjs registry,
 * gradients reaching every trainable weight, use inside tf.sequential and tf.model, fit lowering the loss on
 * a tiny problem, save → load (after training, so running statistics count) reproducing outputs, and a flat
 * tf.memory().numTensors over repeated training steps. Resolves to the list of results when all pass.
 */
export async function checkConformance(options: ConformanceOptions): Promise<CheckResult[]> {
  const o = { batchSize: 4, tolerance: 1e-6, trainable: true, fitSteps: 20, seed: 1, ...options };
  const batchShape = [o.batchSize, ...o.inputShape];
  const x = tf.randomNormal(batchShape, 0, 1, 'float32', o.seed);
  const results: CheckResult[] = [];
  const run = async (check: string, fn: Check) => {
    try {
      results.push({ check, ok: true, detail: await fn() });
    } catch (e) {
      results.push({ check, ok: false, detail: (e as Error).message });
    }
  };

  await run('output shape matches computeOutputShape', () => {
    const layer = o.create();
    const y = layer.apply(x) as tf.Tensor;
    const expected = layer.computeOutputShape(batchShape) as Shape;
    const symbolic = layer.computeOutputShape([null, ...o.inputShape]) as Shape;
    const ok = sameShape(y.shape, expected) && symbolic[0] === null && sameShape(y.shape.slice(1), symbolic.slice(1));
    const detail = `output [${y.shape.join(', ')}], computeOutputShape ${fmt(expected)} / ${fmt(symbolic)}`;
    y.dispose();
    layer.dispose();
    if (!ok) throw new Error(detail);
    return detail;
  });

  await run('getConfig round-trips through the constructor and the registry', () => {
    const layer = o.create();
    const y = layer.apply(x) as tf.Tensor;
    const config = layer.getConfig();
    const className = layer.getClassName();
    const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
    if (!registered) throw new Error(`class ${className} is not registered with tf.serialization`);
    const Cls = layer.constructor as new (c: unknown) => Layer;
    const again = new Cls(JSON.parse(JSON.stringify(config)));
    const y2 = again.apply(x) as tf.Tensor;
    const sameConfig = JSON.stringify(again.getConfig()) === JSON.stringify(config);
    const sameWeightsShapes = JSON.stringify(again.weights.map((w) => w.shape)) === JSON.stringify(layer.weights.map((w) => w.shape));
    const shapeOk = sameShape(y.shape, y2.shape);
    tf.dispose([y, y2]);
    layer.dispose();
    again.dispose();
    if (!sameConfig) throw new Error(`config changed after a round trip: ${JSON.stringify(config)}`);
    if (!sameWeightsShapes) throw new Error('the rebuilt layer has different weights');
    if (!shapeOk) throw new Error('the rebuilt layer gives a different output shape');
    return `${Object.keys(config).length} config keys`;
  });

  if (o.trainable) {
    await run('gradients reach every trainable weight', () => {
      const layer = o.create();
      const model = functional(layer, o.inputShape);
      const weights = model.trainableWeights;
      if (weights.length === 0) throw new Error('the layer has no trainable weights (pass trainable: false if that is intended)');
      const probe = tf.tidy(() => tf.randomNormal((model.outputs[0]!.shape as number[]).map((d) => d ?? o.batchSize), 0, 1, 'float32', o.seed + 1));
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, probe)) as tf.Scalar,
        weights.map((w) => w.read() as tf.Variable));
      const dead: string[] = [];
      for (const w of weights) {
        const g = grads[(w.read() as tf.Variable).name];
        if (!g) { dead.push(`${w.name} (no gradient)`); continue; }
        const maxAbs = tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!);
        if (!Number.isFinite(maxAbs) || maxAbs === 0) dead.push(`${w.name} (max |grad| = ${maxAbs})`);
      }
      tf.dispose([probe, ...Object.values(grads)]);
      model.dispose();
      if (dead.length > 0) throw new Error(`no usable gradient for ${dead.join(', ')}`);
      return `${weights.length} trainable weights`;
    });
  }

  const target = tf.tidy(() => {
    const probe = o.create();
    const outShape = (probe.computeOutputShape(batchShape) as number[]);
    return tf.randomNormal(outShape, 0, 1, 'float32', o.seed + 2);
  });

  await run('works inside tf.sequential' + (o.trainable ? ' and fit lowers the loss' : ''), async () => {
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: o.inputShape }), o.create()] });
    if (!o.trainable) model.add(trainableHead(model.outputs[0]!.shape));
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const history = await model.fit(x, target, { epochs: o.trainable ? o.fitSteps : 1, batchSize: o.batchSize, verbose: 0, shuffle: false });
    const losses = history.history['loss'] as number[];
    model.dispose();
    const first = losses[0]!;
    const last = losses[losses.length - 1]!;
    if (!losses.every(Number.isFinite)) throw new Error(`non-finite loss: ${losses.join(', ')}`);
    if (o.trainable && !(last < first)) throw new Error(`loss did not fall: ${first} → ${last}`);
    return `loss ${first.toPrecision(4)} → ${last.toPrecision(4)}`;
  });

  await run('save → load (after training) reproduces outputs', async () => {
    const model = functional(o.create(), o.inputShape, !o.trainable);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    await model.fit(x, target, { epochs: 2, batchSize: o.batchSize, verbose: 0, shuffle: false });
    const names = model.weights.map((w) => w.originalName);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`duplicate weight name ${duplicate}`);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const specs = saved!.weightSpecs ?? [];
    if (specs.length !== model.weights.length) throw new Error(`saved ${specs.length} weights but the model has ${model.weights.length}`);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    tf.dispose([a, b]);
    model.dispose();
    loaded.dispose();
    if (!(diff <= o.tolerance)) throw new Error(`outputs differ after loading by ${diff} (tolerance ${o.tolerance})`);
    return `${specs.length} weights saved, max difference ${diff}`;
  });

  await run('tf.memory().numTensors stays flat over training steps', async () => {
    const model = functional(o.create(), o.inputShape, !o.trainable);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    for (let i = 0; i < 2; i++) await model.trainOnBatch(x, target);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await model.trainOnBatch(x, target);
    const afterTrain = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (model.predict(x) as tf.Tensor).dispose();
    const afterPredict = tf.memory().numTensors;
    model.dispose();
    if (afterTrain !== before || afterPredict !== before) {
      throw new Error(`tensor count moved: ${before} → ${afterTrain} after 5 steps → ${afterPredict} after 3 predictions`);
    }
    return `${before} tensors throughout`;
  });

  tf.dispose([x, target]);
  if (results.some((r) => !r.ok)) throw new ConformanceError(o.name, results);
  return results;
}

/** input → layer (→ a trainable head when the layer has no weights to train, so fit has work to do). */
function functional(layer: Layer, inputShape: number[], withHead = false): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  let out = layer.apply(input) as tfl.SymbolicTensor;
  if (withHead) out = trainableHead(out.shape).apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** A square dense on the last axis: keeps the output shape, adds trainable weights. */
function trainableHead(shape: readonly (number | null)[]): Layer {
  return new Dense({ units: shape[shape.length - 1]! });
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmt(s: readonly (number | null)[]): string {
  return `[${s.map(String).join(', ')}]`;
}
