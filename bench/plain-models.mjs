// The four workloads written plainly with stock tf.layers, as a tfjs user would without mlp-blocks: the
// same layers, widths, norms, activations and trainable parameter counts as the mlp-blocks models.
// Two deliberate deviations from "the obvious" tf.layers code, both forced by tfjs itself:
// - batch norm without affine: tf.layers.batchNormalization({center: false, scale: false}) crashes in training
//   (tfjs issue 2868), so gamma/beta exist but are frozen at 1/0 (trainable: false); the math is identical.
// - patch embedding: a stride-4 conv2d cannot train on wasm (no Conv2DBackpropFilter kernel there), so the
//   patches are cut with reshape/permute/reshape and embedded by a dense layer (the same linear map).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * A non-affine batch norm the tf.layers way: PyTorch momentum 0.1 (Keras 0.9) and epsilon 1e-5.
 * @param {string} name
 */
const batchNorm = (name) => tfl.layers.batchNormalization({
  name, axis: -1, momentum: 0.9, epsilon: 1e-5, center: true, scale: true, trainable: false,
});

/**
 * Hourglass (lift 'fixed') or conventional (lift trainable) residual MLP: lift ▶ blocks z + up(relu(down(bn(z))))
 * ▶ head (no bias, sigmoid). No final norm before the head, no biases anywhere, as in mlp-blocks.
 * @param {{inputDim: number, outputDim: number, width: number, hidden: number[], fixedLift: boolean}} o
 */
export function plainResidualMlp(o) {
  const input = tfl.input({ shape: [o.inputDim], name: 'input' });
  // The fixed lift is a frozen random dense map; the trainable one a plain dense layer.
  let z = tfl.layers.dense({ name: 'lift', units: o.width, useBias: false, trainable: !o.fixedLift }).apply(input);
  o.hidden.forEach((h, i) => {
    const n = batchNorm(`block_${i + 1}_norm`).apply(z);
    const down = tfl.layers.dense({ name: `block_${i + 1}_down`, units: h, useBias: false, activation: 'relu' }).apply(n);
    const up = tfl.layers.dense({ name: `block_${i + 1}_up`, units: o.width, useBias: false }).apply(down);
    z = tfl.layers.add({ name: `block_${i + 1}_add` }).apply([z, up]);
  });
  const out = tfl.layers.dense({ name: 'head', units: o.outputDim, useBias: false, activation: 'sigmoid' }).apply(z);
  return tfl.model({ inputs: input, outputs: /** @type {tfl.SymbolicTensor} */ (out), name: o.fixedLift ? 'plain_hourglass' : 'plain_conventional' });
}

/**
 * Images [h, w, c] → tokens [rows·cols, embedDim] without conv2d: cut patches by reshape/permute, embed by dense.
 * @param {tfl.SymbolicTensor} images
 * @param {[number, number, number]} shape
 * @param {number} patch
 * @param {number} embedDim
 */
function patchEmbed(images, [h, w, c], patch, embedDim) {
  const [rows, cols] = [h / patch, w / patch];
  let t = tfl.layers.reshape({ name: 'stem_cut', targetShape: [rows, patch, cols, patch * c] }).apply(images);
  t = tfl.layers.permute({ name: 'stem_order', dims: [1, 3, 2, 4] }).apply(t);
  t = tfl.layers.reshape({ name: 'stem_tokens', targetShape: [rows * cols, patch * patch * c] }).apply(t);
  return tfl.layers.dense({ name: 'stem', units: embedDim }).apply(t);
}

/**
 * final layer norm ▶ mean over tokens ▶ dense logits.
 * @param {tfl.SymbolicTensor} x
 * @param {number} classes
 */
function classifierHead(x, classes) {
  const n = tfl.layers.layerNormalization({ name: 'norm', epsilon: 1e-6 }).apply(x);
  const pooled = tfl.layers.globalAveragePooling1d({ name: 'pool' }).apply(n);
  return tfl.layers.dense({ name: 'head', units: classes }).apply(pooled);
}

/**
 * gMLP classifier: x + V·(Z1 ⊙ (W·LN(Z2) + b)) with [Z1 | Z2] = gelu(U·LN(x)). U is two dense halves (same
 * parameters as one dense of d_ffn; tf.layers has no split layer); the token mix is permute ▶ dense ▶ permute.
 * @param {{imageSize: number, channels: number, patchSize: number, dModel: number, dFfn: number, depth: number, numClasses: number}} o
 */
export function plainGmlp(o) {
  const input = tfl.input({ shape: [o.imageSize, o.imageSize, o.channels], name: 'images' });
  const tokens = (o.imageSize / o.patchSize) ** 2;
  let x = patchEmbed(input, [o.imageSize, o.imageSize, o.channels], o.patchSize, o.dModel);
  const half = o.dFfn / 2;
  for (let i = 1; i <= o.depth; i++) {
    const h = tfl.layers.layerNormalization({ name: `block_${i}_norm`, epsilon: 1e-6 }).apply(x);
    const z1 = tfl.layers.dense({ name: `block_${i}_proj_in_1`, units: half, activation: 'gelu' }).apply(h);
    const z2 = tfl.layers.dense({ name: `block_${i}_proj_in_2`, units: half, activation: 'gelu' }).apply(h);
    const gn = tfl.layers.layerNormalization({ name: `block_${i}_sgu_norm`, epsilon: 1e-5 }).apply(z2);
    let g = tfl.layers.permute({ name: `block_${i}_sgu_t1`, dims: [2, 1] }).apply(gn);
    g = tfl.layers.dense({ name: `block_${i}_sgu_spatial`, units: tokens }).apply(g);
    g = tfl.layers.permute({ name: `block_${i}_sgu_t2`, dims: [2, 1] }).apply(g);
    const gated = tfl.layers.multiply({ name: `block_${i}_sgu_gate` }).apply([z1, g]);
    const y = tfl.layers.dense({ name: `block_${i}_proj_out`, units: o.dModel }).apply(gated);
    x = tfl.layers.add({ name: `block_${i}_add` }).apply([x, y]);
  }
  return tfl.model({ inputs: input, outputs: /** @type {tfl.SymbolicTensor} */ (classifierHead(x, o.numClasses)), name: 'plain_gmlp' });
}

/**
 * MLP-Mixer: token mixing (LN ▶ permute ▶ dense D_S gelu ▶ dense n ▶ permute, residual) then channel mixing
 * (LN ▶ dense D_C gelu ▶ dense C, residual).
 * @param {{imageSize: number, channels: number, patchSize: number, hiddenDim: number, tokenMlpDim: number, channelMlpDim: number, depth: number, numClasses: number}} o
 */
export function plainMixer(o) {
  const input = tfl.input({ shape: [o.imageSize, o.imageSize, o.channels], name: 'images' });
  const tokens = (o.imageSize / o.patchSize) ** 2;
  let x = patchEmbed(input, [o.imageSize, o.imageSize, o.channels], o.patchSize, o.hiddenDim);
  for (let i = 1; i <= o.depth; i++) {
    let h = tfl.layers.layerNormalization({ name: `block_${i}_norm1`, epsilon: 1e-6 }).apply(x);
    h = tfl.layers.permute({ name: `block_${i}_t1`, dims: [2, 1] }).apply(h);
    h = tfl.layers.dense({ name: `block_${i}_token_fc1`, units: o.tokenMlpDim, activation: 'gelu' }).apply(h);
    h = tfl.layers.dense({ name: `block_${i}_token_fc2`, units: tokens }).apply(h);
    h = tfl.layers.permute({ name: `block_${i}_t2`, dims: [2, 1] }).apply(h);
    const u = tfl.layers.add({ name: `block_${i}_add1` }).apply([x, h]);
    let g = tfl.layers.layerNormalization({ name: `block_${i}_norm2`, epsilon: 1e-6 }).apply(u);
    g = tfl.layers.dense({ name: `block_${i}_channel_fc1`, units: o.channelMlpDim, activation: 'gelu' }).apply(g);
    g = tfl.layers.dense({ name: `block_${i}_channel_fc2`, units: o.hiddenDim }).apply(g);
    x = tfl.layers.add({ name: `block_${i}_add2` }).apply([u, g]);
  }
  return tfl.model({ inputs: input, outputs: /** @type {tfl.SymbolicTensor} */ (classifierHead(x, o.numClasses)), name: 'plain_mixer' });
}

/**
 * The plain tf.layers model of a workload (see workloads.mjs).
 * @param {import('./workloads.mjs').Workload} w
 * @returns {tfl.LayersModel}
 */
export function plainModel(w) {
  switch (w.id) {
    case 1: return plainResidualMlp({ inputDim: 784, outputDim: 784, width: 1150, hidden: Array(10).fill(115), fixedLift: true });
    case 2: return plainResidualMlp({ inputDim: 784, outputDim: 784, width: 784, hidden: [1150, 1150], fixedLift: false });
    case 3: return plainGmlp({ imageSize: 28, channels: 1, patchSize: 4, dModel: 128, dFfn: 768, depth: 6, numClasses: 10 });
    case 4: return plainMixer({ imageSize: 32, channels: 3, patchSize: 4, hiddenDim: 128, tokenMlpDim: 64, channelMlpDim: 512, depth: 8, numClasses: 10 });
    default: throw new Error(`no plain model for workload ${w.id}`);
  }
}

/**
 * Trainable parameters of a LayersModel (sum of its trainable weights' sizes).
 * @param {tfl.LayersModel} model
 */
export function trainableCount(model) {
  return model.trainableWeights.reduce((s, v) => s + v.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * Softmax cross-entropy on logits for tf.layers `compile` (labels as one-hot rows), as PyTorch's cross_entropy.
 * @param {tf.Tensor} yTrue
 * @param {tf.Tensor} yPred
 */
export const plainCrossEntropy = (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred);
