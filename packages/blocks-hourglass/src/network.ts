import * as tfl from '@tensorflow/tfjs-layers';
import { Dense, RandomProjection } from '@mlp-blocks/core';
import { type ConventionalOptions, type HourglassOptions, type ResolvedNetwork, resolveConventional, resolveHourglass } from './options.js';
import { ResidualMlpBlock } from './residual-mlp-block.js';

/**
 * The network of the authors' code: lift (d_in → width) ▶ depth residual blocks ▶ head (width → d_out).
 * Layers are named `lift`, `block_1` … `block_L`, `head`; an identity lift has no layer.
 */
export function buildNetwork(n: ResolvedNetwork): tfl.Sequential {
  const layers: tfl.layers.Layer[] = [];
  if (n.lift === 'trainable') {
    layers.push(new Dense({ name: 'lift', units: n.width, useBias: false, kernelInitializer: 'torchUniform', inputShape: [n.inputDim] }));
  } else if (n.lift === 'fixed') {
    // PyTorch-default range ±1/√d_in, drawn from the seed; regenerated on load instead of stored.
    layers.push(new RandomProjection({ name: 'lift', units: n.width, seed: n.seed, persist: false, inputShape: [n.inputDim] }));
  } else {
    layers.push(tfl.layers.inputLayer({ name: 'input', inputShape: [n.inputDim] }));
  }
  n.hidden.forEach((hidden, i) => {
    layers.push(new ResidualMlpBlock({
      name: `block_${i + 1}`, hidden, width: n.width, norm: n.norm, activation: n.activation, useBias: n.useBias,
      dropPath: n.dropPath, layerScale: n.layerScale,
    }));
  });
  layers.push(new Dense({ name: 'head', units: n.outputDim, useBias: false, activation: n.outputActivation }));
  return tfl.sequential({ layers, ...(n.name ? { name: n.name } : {}) });
}

/** Hourglass network: wide skip path `width`, narrow `bottleneck` (< width). */
export function hourglassMlp(options: HourglassOptions): tfl.Sequential {
  return buildNetwork(resolveHourglass(options));
}

/** Conventional network: skip path `width` (default inputDim, square trainable lift), wide `hidden`. */
export function conventionalMlp(options: ConventionalOptions): tfl.Sequential {
  return buildNetwork(resolveConventional(options));
}
