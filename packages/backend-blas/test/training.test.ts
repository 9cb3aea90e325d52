// useBackend('blas') end to end, through @mlp-blocks/backends' registry: `blas` is a tfjs backend of its own
// (tf.getBackend() says so), switching wasm → blas → wasm in one process carries tensors across, an hourglass
// network and a gMLP with tiny attention follow the stock wasm run step for step, and train's AdamW runs the
// native kernel with results bit-identical to its tensor version on the same backend, in the variables' own
// buffers where nothing else shares them.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@mlp-blocks/gmlp';
import '@mlp-blocks/hourglass';
import { buildModel, FUSED_ADAMW_KERNEL, productsTransposeFree, withSeededRandom } from '@mlp-blocks/core';
import { backendReport, listBackends, useBackend } from '@mlp-blocks/backends/node';
import { AdamW, getLoss, trainStep } from '@mlp-blocks/train';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js'; // registers the `blas` backend and provider

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

afterAll(async () => {
  await useBackend('wasm');
});

/** `spec`'s model with initial weights drawn from `seed`: the same on every backend. */
const buildSeeded = (spec: Record<string, unknown>, seed: number) => withSeededRandom(seed, () => buildModel(spec as never));

/** Trains `spec` for `steps` steps from seed 0 on fixed data; returns the losses and the final weights. */
async function train(spec: Record<string, unknown>, x: tf.Tensor, y: tf.Tensor, loss: 'mse' | 'softmaxCrossEntropy', steps: number, fused?: boolean) {
  const model = buildSeeded(spec, 0);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const optimizer = new AdamW({ learningRate: 1e-2, ...(fused === undefined ? {} : { fused }) });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push(await trainStep(model, vars, optimizer, getLoss(loss), x, y, 0, s));
  const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  optimizer.dispose();
  model.dispose();
  return { losses, weights };
}

/** The loss gradients of `spec`'s weights at initialisation (seed 0). */
function gradsAtInit(spec: Record<string, unknown>, x: tf.Tensor, y: tf.Tensor, loss: 'mse' | 'softmaxCrossEntropy'): Float32Array[] {
  const model = buildSeeded(spec, 0);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => getLoss(loss)(model.apply(x, { training: true }) as tf.Tensor, y) as tf.Scalar, vars);
  const out = vars.map((v) => grads[v.name]!.dataSync().slice() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![j]!) / (1 + Math.abs(b[i]![j]!))))));
  return worst;
}

describe("useBackend('blas')", () => {
  it("is a tfjs backend of its own: tf.getBackend() says 'blas'; useBackend('wasm') goes back to stock wasm", async () => {
    await useBackend('wasm');
    const choice = await useBackend('blas', { threads: 1 });
    expect(choice).toMatchObject({ name: 'blas', tfjsName: 'blas', skipped: [] });
    expect(choice.detail).toMatch(/^wasm kernels with OpenBLAS products \(\w+ kernels, 1 thread\(s\)\); wasm SIMD on$/);
    expect(tf.getBackend()).toBe('blas');
    expect(productsTransposeFree()).toBe(true);
    await useBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(productsTransposeFree()).toBe(false);
  });

  it('is registered as a provider: listed before wasm, in the report (which restores the active backend), picked by auto', async () => {
    expect(listBackends().find((b) => b.name === 'blas')).toMatchObject({
      tfjsName: 'blas',
      packageName: '@mlp-blocks/backend-blas',
      platforms: ['node'],
      auto: true,
    });
    expect(listBackends().map((b) => b.name)).toEqual(['cuda', 'webgpu', 'tensorflow', 'blas', 'wasm', 'cpu']);
    await useBackend('blas');
    const report = await backendReport();
    expect(report.backends.find((b) => b.name === 'blas')).toMatchObject({ usable: true, tfjsName: 'blas', version });
    // auto: tensorflow where its binding is provisioned (it ranks before blas), else blas
    const first = report.backends.find((b) => b.name === 'tensorflow')?.usable ? 'tensorflow' : 'blas';
    expect(report.auto).toBe(first);
    expect(tf.getBackend()).toBe('blas');
    await useBackend('wasm');
    expect((await useBackend('auto')).name).toBe(first);
  });

  it('wasm → blas → wasm in one process: tensors made on either backend read correctly on the other', async () => {
    await useBackend('wasm');
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const wasmBackend = tf.backend();
    await useBackend('blas');
    expect(tf.backend()).not.toBe(wasmBackend); // an instance (and an Emscripten heap) of its own
    const b = tf.tensor2d([[5, 6], [7, 8]]);
    const onBlas = tf.matMul(a, b); // a moves to blas
    expect(Array.from(await onBlas.data())).toEqual([19, 22, 43, 50]);
    const kept = tf.clone(b); // blas's Identity: a shared buffer
    await useBackend('wasm');
    const onWasm = tf.matMul(b, a); // b moves back to wasm
    expect(Array.from(await onWasm.data())).toEqual([23, 34, 31, 46]);
    expect(Array.from(await onBlas.data())).toEqual([19, 22, 43, 50]);
    expect(Array.from(await kept.data())).toEqual([5, 6, 7, 8]);
    const numTensors = tf.memory().numTensors;
    tf.dispose([a, b, onBlas, onWasm, kept]);
    expect(tf.memory().numTensors).toBe(numTensors - 5);
  });

  it('an hourglass network trains step for step as on stock wasm, with no tensor left behind', async () => {
    const spec = { model: 'hourglass', inputDim: 20, outputDim: 20, width: 32, bottleneck: 6, depth: 3, lift: 'fixed' };
    const x = tf.randomUniform([16, 20], 0, 1, 'float32', 1);
    const y = tf.randomUniform([16, 20], 0, 1, 'float32', 2);
    await useBackend('wasm');
    const stock = await train(spec, x, y, 'mse', 4);
    await useBackend('blas');
    const before = tf.memory().numTensors;
    const blas = await train(spec, x, y, 'mse', 4);
    expect(tf.memory().numTensors).toBe(before);
    await useBackend('wasm');
    const again = await train(spec, x, y, 'mse', 4); // back on stock wasm: the same run as before blas
    expect(again.losses).toEqual(stock.losses);
    again.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(stock.weights[i]!)));
    blas.losses.forEach((l, i) => expect(Math.abs(l - stock.losses[i]!) / stock.losses[i]!).toBeLessThan(1e-4));
    expect(blas.losses[3]!).toBeLessThan(blas.losses[0]!);
    expect(maxRelDiff(blas.weights, stock.weights)).toBeLessThan(1e-4);
    tf.dispose([x, y]);
  });

  it('a gMLP with tiny attention (batched transposed products) trains as on stock wasm', async () => {
    const spec = { model: 'gmlp', imageSize: 8, patchSize: 4, channels: 1, numClasses: 3, depth: 2, dModel: 8, dFfn: 16, tinyAttention: true, attentionDim: 4 };
    const x = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    await useBackend('wasm');
    const stock = await train(spec, x, y, 'softmaxCrossEntropy', 3);
    const stockGrads = gradsAtInit(spec, x, y, 'softmaxCrossEntropy');
    await useBackend('blas');
    const blas = await train(spec, x, y, 'softmaxCrossEntropy', 3);
    // Weights after Adam steps are no fair comparison here: Adam divides near-zero gradients (the spatial
    // projection starts at std 1e-6) by their own size, which magnifies rounding. Compare gradients instead.
    blas.losses.forEach((l, i) => expect(Math.abs(l - stock.losses[i]!) / stock.losses[i]!).toBeLessThan(1e-4));
    expect(maxRelDiff(gradsAtInit(spec, x, y, 'softmaxCrossEntropy'), stockGrads)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
  });

  it("train's AdamW uses the native kernel, bit-identical to its tensor version", async () => {
    await useBackend('blas');
    const spec = { model: 'hourglass', inputDim: 12, outputDim: 12, width: 16, bottleneck: 4, depth: 2, lift: 'fixed' };
    const x = tf.randomUniform([8, 12], 0, 1, 'float32', 4);
    const y = tf.randomUniform([8, 12], 0, 1, 'float32', 5);
    const kernels: string[] = [];
    const profile = await tf.profile(async () => {
      const native = await train(spec, x, y, 'mse', 3);
      const tensor = await train(spec, x, y, 'mse', 3, false);
      expect(native.losses).toEqual(tensor.losses);
      native.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(tensor.weights[i]!)));
    });
    kernels.push(...profile.kernelNames);
    expect(kernels).toContain('MlpBlocksFusedAdamW');
    tf.dispose([x, y]);
  });

  it('AdamW updates a variable and its moments in their own buffers, except where another tensor shares one', async () => {
    await useBackend('blas');
    const w = tf.variable(tf.tensor1d([0.5, -1, 2, 0]), true, 'inplace_w');
    const g = tf.tensor1d([0.1, 0.2, -0.3, 0.4]);
    const step = (opt: AdamW) => opt.applyGradients({ inplace_w: g });
    // Reference: the tensor version on the same backend, from the same start.
    const ref = tf.variable(tf.tensor1d([0.5, -1, 2, 0]), true, 'inplace_ref');
    const refOpt = new AdamW({ learningRate: 0.1, weightDecay: 0.01, fused: false });
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.01 });
    step(opt); // the first step makes the moments: fresh outputs while their zeros are still held
    refOpt.applyGradients({ inplace_ref: g });
    const before = tf.memory().numTensors;
    const id = w.dataId;
    step(opt);
    refOpt.applyGradients({ inplace_ref: g });
    expect(w.dataId).toBe(id); // written in place
    expect(Array.from(w.dataSync())).toEqual(Array.from(ref.dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    // A clone on blas shares the variable's buffer (its Identity kernel): the update must not reach it.
    const snapshot = tf.clone(w);
    const held = Array.from(snapshot.dataSync());
    step(opt);
    refOpt.applyGradients({ inplace_ref: g });
    expect(Array.from(snapshot.dataSync())).toEqual(held);
    expect(w.dataId).not.toBe(id);
    expect(Array.from(w.dataSync())).toEqual(Array.from(ref.dataSync()));
    // The kernel called directly, without the in-place attr, never touches its inputs.
    const [p, m, v] = [tf.tensor1d([1, 2]), tf.tensor1d([0, 0]), tf.tensor1d([0, 0])];
    const outs = tf.engine().runKernel(FUSED_ADAMW_KERNEL, { param: p, grad: tf.tensor1d([1, 1]), m, v }, { scalars: [0.9, 0.1, 0.999, 0.001, Number.NaN, 0.001, 1e-8, 0.1] } as never) as tf.Tensor[];
    expect(Array.from(p.dataSync())).toEqual([1, 2]);
    expect(outs.map((o) => o.dataId === p.dataId || o.dataId === m.dataId || o.dataId === v.dataId)).toEqual([false, false, false]);
    tf.dispose([w, g, ref, snapshot, p, m, v, ...outs]);
    opt.dispose();
    refOpt.dispose();
  });
});
