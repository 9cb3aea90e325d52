// The four reference workloads of the benchmark suite (issue 9): their mlp-blocks specs, input shapes, losses
// and seeded fixed batches. Every implementation (mlp-blocks, plain tf.layers, PyTorch) trains the same shapes.
import * as tf from '@tensorflow/tfjs-core';

/** Batch size of every workload. */
export const BATCH = 128;

/** AdamW settings shared by all implementations (tf.layers gets plain Adam with the same lr/betas/eps). */
export const OPTIMIZER = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };

/**
 * @typedef {object} Workload
 * @property {number} id 1-based number used by `--workloads`.
 * @property {string} name Short name for tables.
 * @property {string} what One-line description.
 * @property {Record<string, unknown> & {model: string}} spec The mlp-blocks model spec (`buildSeeded(spec, 0)`).
 * @property {number[]} inputShape Shape of one example.
 * @property {'mse' | 'softmaxCrossEntropy'} loss
 * @property {number} outputs Output size per example (784 targets or 10 classes).
 */

/** @type {Workload[]} */
export const WORKLOADS = [
  {
    id: 1, name: 'hourglass', what: '784 → fixed lift 1150 → 10 blocks of 115 → 784, sigmoid, MSE',
    spec: { model: 'hourglass', inputDim: 784, outputDim: 784, width: 1150, bottleneck: 115, depth: 10, lift: 'fixed' },
    inputShape: [784], loss: 'mse', outputs: 784,
  },
  {
    id: 2, name: 'conventional', what: '784 → trainable lift 784 → 2 blocks of 1150 → 784, sigmoid, MSE',
    spec: { model: 'conventional', inputDim: 784, outputDim: 784, hidden: 1150, depth: 2 },
    inputShape: [784], loss: 'mse', outputs: 784,
  },
  {
    id: 3, name: 'gmlp', what: 'gMLP 28×28×1, patch 4 (49 tokens), d 128, d_ffn 768, 6 blocks, 10 classes, CE',
    spec: { model: 'gmlp', imageSize: 28, patchSize: 4, channels: 1, numClasses: 10, depth: 6, dModel: 128, dFfn: 768 },
    inputShape: [28, 28, 1], loss: 'softmaxCrossEntropy', outputs: 10,
  },
  {
    id: 4, name: 'mixer-nano', what: 'Mixer-nano 32×32×3, patch 4 (64 tokens), C 128, D_S 64, D_C 512, 8 blocks, 10 classes, CE',
    spec: { model: 'mixer', preset: 'mixer_nano' },
    inputShape: [32, 32, 3], loss: 'softmaxCrossEntropy', outputs: 10,
  },
];

/**
 * The workload with this id, or an error naming it.
 * @param {number} id
 * @returns {Workload}
 */
export function workload(id) {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`no workload ${id}; workloads are ${WORKLOADS.map((x) => x.id).join(', ')}`);
  return w;
}

/**
 * A fixed seeded batch: inputs uniform in [0, 1); MSE targets uniform in [0, 1), classification labels random
 * int32 class indices [batch]. The same seeds give the same batch in every process.
 * @param {Workload} w
 * @returns {{x: tf.Tensor, y: tf.Tensor}}
 */
export function makeBatch(w) {
  const x = tf.randomUniform([BATCH, ...w.inputShape], 0, 1, 'float32', 1);
  const y = w.loss === 'mse'
    ? tf.randomUniform([BATCH, w.outputs], 0, 1, 'float32', 2)
    : tf.randomUniform([BATCH], 0, w.outputs, 'int32', 2);
  return { x, y };
}
