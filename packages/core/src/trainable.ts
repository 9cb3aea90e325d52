import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from './errors.js';

const CONV2D_GRADS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];
const DEPTHWISE_GRADS = ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

/**
 * The kernels the backward pass of tfjs-layers' convolution layers runs, by class name (tfjs 4.22). A backend
 * without one runs the layer forward but fails on the first training step with tfjs's "Kernel '…' not registered
 * for backend '…'" — the wasm backend has no `Conv2DBackpropFilter` nor `DepthwiseConv2dNativeBackpropFilter`.
 * Conv1D is a conv2d over one row; a transposed convolution's input gradient is a plain conv2d.
 */
const GRADIENT_KERNELS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Conv1D', CONV2D_GRADS],
  ['Conv2D', CONV2D_GRADS],
  ['Conv2DTranspose', ['Conv2DBackpropFilter', 'Conv2D']],
  ['SeparableConv2D', [...DEPTHWISE_GRADS, ...CONV2D_GRADS]],
  ['DepthwiseConv2D', DEPTHWISE_GRADS],
  ['ConvLSTM2D', CONV2D_GRADS],
  ['Conv3D', ['Conv3DBackpropFilterV2', 'Conv3DBackpropInputV2']],
]);

/** The parts of a tfjs layer (or model) the check reads. */
interface LayerLike {
  name: string;
  trainableWeights: readonly unknown[];
  getClassName(): string;
}

/** A layer the backward pass reaches whose gradient needs kernels the backend lacks. */
interface Gap {
  layer: string;
  className: string;
  missing: string[];
}

/**
 * Checks that `model` can train on `backend` (the current one by default): throws a ConfigError naming each layer
 * whose gradient needs a kernel the backend does not register, the kernel, and what to use instead — for the
 * convolution stem of a Mixer/ViT-style model on wasm, core's `PatchEmbedding`. Call it before `model.fit` or a
 * custom training loop; tfjs itself only fails inside the first step, with "Kernel 'Conv2DBackpropFilter' not
 * registered for backend 'wasm'". A layer the backward pass does not reach (a frozen convolution before every
 * trainable weight: a fixed feature extractor) is not reported. Reads kernel registrations only: nothing is run.
 */
export function checkTrainable(model: tfl.LayersModel, backend: string = tf.getBackend()): void {
  if (typeof backend !== 'string' || tf.findBackendFactory(backend) == null) {
    throw new ConfigError('checkTrainable', 'backend', 'the name of a registered tfjs backend', backend);
  }
  const gaps: Gap[] = [];
  visit(model, false, backend, gaps);
  if (gaps.length === 0) return;
  const layers = gaps.map((g) => `"${g.layer}" (${g.className}) needs ${g.missing.join(' and ')}`).join('; ');
  throw new ConfigError('checkTrainable', 'backend', 'a backend with the kernels these layers need to train', backend,
    `checkTrainable: this model cannot train on the ${backend} backend: ${layers}, which tfjs ${tf.version_core} does not ` +
      `register for ${backend} (a tfjs gap: the forward pass works, the first training step fails). For a patch stem ` +
      "(kernelSize = strides, padding 'valid') use PatchEmbedding from @mlp-blocks/core, the same map done with " +
      'matrix products, which trains on every backend; otherwise train on a backend that has these kernels, such as cpu.');
}

/** Walks layers in topological order; `reached`: a trainable weight lies upstream, so gradients flow through. */
function visit(layer: LayerLike, reached: boolean, backend: string, gaps: Gap[]): boolean {
  const inner = (layer as { layers?: unknown }).layers;
  if (Array.isArray(inner)) {
    // A model used as a layer: its own layers, in order (tfjs keeps them topologically sorted).
    for (const child of inner as LayerLike[]) reached = visit(child, reached, backend, gaps);
    return reached;
  }
  const wrapped = (layer as { layer?: LayerLike }).layer;
  if (wrapped != null && typeof wrapped.getClassName === 'function') return visit(wrapped, reached, backend, gaps); // TimeDistributed, Bidirectional
  reached ||= layer.trainableWeights.length > 0;
  const kernels = GRADIENT_KERNELS.get(layer.getClassName());
  if (reached && kernels) {
    const missing = kernels.filter((k) => tf.getKernel(k, backend) == null);
    if (missing.length > 0) gaps.push({ layer: layer.name, className: layer.getClassName(), missing });
  }
  return reached;
}
