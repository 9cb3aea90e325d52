// useBackend('blas') end to end: switching on and off through core, and training with it: an hourglass
// network and a gMLP with tiny attention follow the stock wasm run step for step, and train's AdamW runs the
// native kernel with results bit-identical to its tensor version on the same backend.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADAMW_KERNEL, productsTransposeFree } from '@mlp-blocks/core';
import { backendReport, useBackend } from '@mlp-blocks/core/backends/node';
import { AdamW, buildSeeded, getLoss, trainStep } from '@mlp-blocks/train';
import { afterAll, describe, expect, it } from 'vitest';

// The kernels core switched on, read from tfjs's registry (core loads this package's build, not ../src).
const blasProductsEnabled = () => tf.getKernel(FUSED_ADAMW_KERNEL, 'wasm') !== undefined;

afterAll(async () => {
  await useBackend('wasm');
});

/** Trains `spec` for `steps` steps from seed 0 on fixed data; returns the losses and the final weights. */
async function train(spec: Record<string, unknown>, x: tf.Tensor, y: tf.Tensor, loss: 'mse' | 'softmaxCrossEntropy', steps: number, fused?: boolean) {
  const model = buildSeeded(spec as never, 0);
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
  const model = buildSeeded(spec as never, 0);
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
  it('switches the kernels on, and useBackend("wasm") switches them off; the report puts them back as they were', async () => {
    const stock = (await useBackend('wasm'), tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc);
    const choice = await useBackend('blas', { threads: 1 });
    expect(choice).toMatchObject({ name: 'blas', tfjsName: 'wasm' });
    expect(choice.detail).toMatch(/wasm with OpenBLAS products \(\w+ kernels, 1 thread\(s\)\); wasm SIMD on/);
    expect(tf.getBackend()).toBe('wasm');
    expect(blasProductsEnabled()).toBe(true);
    expect(productsTransposeFree()).toBe(true);
    const report = await backendReport();
    expect(report.backends.find((b) => b.name === 'blas')).toMatchObject({ usable: true });
    expect(blasProductsEnabled()).toBe(true); // the report tried plain wasm after blas, then restored blas
    await useBackend('wasm');
    expect(blasProductsEnabled()).toBe(false);
    expect(productsTransposeFree()).toBe(false);
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc).toBe(stock);
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
});
