import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, Dense, LayerNorm, Mlp, PatchEmbedding, checkTrainable } from './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A Mixer/ViT-style model as users write it: a convolution patch stem (kernel = stride = patch), MLP blocks, a head. */
function convStemModel(stem: tfl.layers.Layer = tfl.layers.conv2d({ name: 'stem', filters: 8, kernelSize: 4, strides: 4, inputShape: [8, 8, 1] })): tfl.Sequential {
  return tfl.sequential({ layers: [
    stem, tfl.layers.reshape({ targetShape: [4, 8] }), new LayerNorm(), new Mlp({ hiddenUnits: 16 }), tfl.layers.flatten(), new Dense({ units: 2 })] });
}

/** Trains one step; resolves to the error tfjs raises, or null. */
async function trainStep(model: tfl.LayersModel): Promise<Error | null> {
  if (model.optimizer == null) model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  const x = tf.randomNormal([4, ...inputShape], 0, 1, 'float32', 1);
  const y = tf.zeros([4, ...(model.outputs[0]!.shape.slice(1) as number[])]);
  try {
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    return null;
  } catch (error) {
    return error as Error;
  } finally {
    tf.dispose([x, y]);
  }
}

const message = (layers: string) =>
  `checkTrainable: this model cannot train on the wasm backend: ${layers}, which tfjs ${tf.version_core} does not register for wasm ` +
  '(a tfjs gap: the forward pass works, the first training step fails). For a patch stem (kernelSize = strides, padding \'valid\') ' +
  'use PatchEmbedding from @mlp-blocks/core, the same map done with matrix products, which trains on every backend; ' +
  'otherwise train on a backend that has these kernels, such as cpu.';

describe('checkTrainable on the real wasm backend', () => {
  it('a conv2d patch stem: names the layer, the missing kernel and PatchEmbedding, where tfjs only fails inside fit', async () => {
    const model = convStemModel();
    const before = tf.memory().numTensors;
    const error = (() => { try { checkTrainable(model); return null; } catch (e) { return e as Error; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe(message('"stem" (Conv2D) needs Conv2DBackpropFilter'));
    expect(tf.memory().numTensors).toBe(before); // reads registrations only
    // The gap is real: without the check, the first training step fails with tfjs's message.
    expect((await trainStep(model))?.message).toBe("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
    model.dispose();
  });

  it('the same model with PatchEmbedding as its stem passes the check and trains on wasm, leaving no tensors', async () => {
    const model = convStemModel(new PatchEmbedding({ name: 'stem', patchSize: 4, embedDim: 8, inputShape: [8, 8, 1] }));
    expect(() => checkTrainable(model)).not.toThrow();
    expect(await trainStep(model)).toBeNull(); // the first step compiles and builds the optimizer
    const before = tf.memory().numTensors;
    expect(await trainStep(model)).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('the conv2d stem passes on cpu (checked by name while wasm is current, and with cpu current)', async () => {
    const model = convStemModel();
    expect(() => checkTrainable(model, 'cpu')).not.toThrow();
    await tf.setBackend('cpu');
    try {
      expect(() => checkTrainable(model)).not.toThrow();
    } finally {
      await tf.setBackend('wasm');
    }
    model.dispose();
  });

  it('a frozen conv2d before every trainable weight (a fixed feature extractor) is not reported, and trains', async () => {
    const model = convStemModel(tfl.layers.conv2d({ name: 'stem', filters: 8, kernelSize: 4, strides: 4, inputShape: [8, 8, 1], trainable: false }));
    expect(() => checkTrainable(model)).not.toThrow();
    expect(await trainStep(model)).toBeNull();
    model.dispose();
  });

  it('a frozen conv2d after a trainable layer is reported: the backward pass still runs through it', async () => {
    const model = tfl.sequential({ layers: [
      new Dense({ units: 64, inputShape: [4] }), tfl.layers.reshape({ targetShape: [8, 8, 1] }),
      tfl.layers.conv2d({ name: 'frozen', filters: 2, kernelSize: 4, strides: 4, trainable: false }), tfl.layers.flatten(), new Dense({ units: 1 })] });
    expect(() => checkTrainable(model)).toThrow(message('"frozen" (Conv2D) needs Conv2DBackpropFilter'));
    expect((await trainStep(model))?.message).toBe("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
    model.dispose();
  });

  it.each([
    ['Conv1D', () => tfl.layers.conv1d({ name: 'c', filters: 2, kernelSize: 2, inputShape: [4, 1] }), 'Conv2DBackpropFilter'],
    ['Conv2DTranspose', () => tfl.layers.conv2dTranspose({ name: 'c', filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }), 'Conv2DBackpropFilter'],
    ['SeparableConv2D', () => tfl.layers.separableConv2d({ name: 'c', filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }),
      'DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput and Conv2DBackpropFilter'],
    ['DepthwiseConv2D', () => tfl.layers.depthwiseConv2d({ name: 'c', kernelSize: 2, inputShape: [4, 4, 1] }), 'DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput'],
  ])('%s: reported with the kernel tfjs then fails on', async (className, layer, missing) => {
    const model = tfl.sequential({ layers: [layer(), tfl.layers.flatten(), tfl.layers.dense({ units: 1 })] });
    expect(() => checkTrainable(model)).toThrow(message(`"c" (${className}) needs ${missing}`));
    // tfjs fails on whichever missing kernel the backward pass runs first: one of those named.
    const failed = /^Kernel '(\w+)' not registered for backend 'wasm'$/.exec((await trainStep(model))?.message ?? '')?.[1];
    expect(missing.split(' and ')).toContain(failed);
    model.dispose();
  });

  it('finds a convolution inside a nested model and inside a wrapper, naming every such layer', () => {
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.conv2d({ name: 'deep', filters: 2, kernelSize: 2, inputShape: [4, 4, 1] })] });
    const model = tfl.sequential({ layers: [
      inner, // [3, 3, 2]: a TimeDistributed conv1d over its 3 rows
      tfl.layers.timeDistributed({ layer: tfl.layers.conv1d({ name: 'wrapped', filters: 2, kernelSize: 2 }) }), tfl.layers.flatten(), tfl.layers.dense({ units: 1 })] });
    model.apply(tf.zeros([1, 4, 4, 1])); // nothing is checked at call time
    expect(() => checkTrainable(model)).toThrow(message('"deep" (Conv2D) needs Conv2DBackpropFilter; "wrapped" (Conv1D) needs Conv2DBackpropFilter'));
    model.dispose();
  });

  it('a backend name that is not registered is a ConfigError naming the value', () => {
    const model = convStemModel();
    expect(() => checkTrainable(model, 'webgl2')).toThrow('checkTrainable: option "backend" must be the name of a registered tfjs backend, received "webgl2"');
    model.dispose();
  });
});
