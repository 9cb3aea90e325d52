// FLOPs of a training step, counted from the products the step runs: tf.profile records every kernel with its
// input and output shapes, and each matrix product or convolution costs 2 FLOPs per multiply-add (2·m·n·k for a
// product). Element-wise kernels, reductions and the optimizer are not counted: they are memory-bound and
// small next to the products here, so achieved GFLOP/s against the sgemm peak says how close to the hardware the
// step runs. Used by bench/suite.mjs (through bench/run-one.mjs); tested against hand counts in flops.test.mjs.
import * as tf from '@tensorflow/tfjs-core';

const PRODUCTS = new Set(['BatchMatMul', '_FusedMatMul', 'MatMul']);
const CONVOLUTIONS = new Set(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'FusedConv2D']);
const prod = (dims) => dims.reduce((p, d) => p * d, 1);

/**
 * FLOPs of one kernel record (`name`, `inputShapes`, `outputShapes` as tf.profile gives them); 0 for kernels
 * that are not products or convolutions. For a product the output [..., m, n] fixes m and n, and k is the side
 * of a that is not m (whether a came transposed or not; when both sides equal m, k = m).
 * @param {{name: string, inputShapes: (number[] | null)[], outputShapes: number[][]}} kernel
 */
export function kernelFlops(kernel) {
  if (PRODUCTS.has(kernel.name)) {
    const a = kernel.inputShapes[0];
    const out = kernel.outputShapes[0];
    if (!a || !out || a.length < 2 || out.length < 2) return 0;
    const [m, n] = out.slice(-2);
    const [r, c] = a.slice(-2);
    const k = r === m ? c : r;
    return 2 * prod(out.slice(0, -2)) * m * n * k;
  }
  if (CONVOLUTIONS.has(kernel.name)) {
    // NHWC: every output element of the forward convolution is kh·kw·inChannels multiply-adds, and each
    // gradient costs the same as the forward.
    const shapes = [...kernel.inputShapes, ...kernel.outputShapes].filter((s) => s && s.length === 4);
    const filter = kernel.name === 'Conv2DBackpropFilter' ? kernel.outputShapes[0] : kernel.inputShapes[1];
    const y = kernel.name === 'Conv2DBackpropFilter' || kernel.name === 'Conv2DBackpropInput' ? kernel.inputShapes[kernel.name === 'Conv2DBackpropFilter' ? 1 : 0] : kernel.outputShapes[0];
    if (!filter || !y || shapes.length < 2) return 0;
    const [kh, kw, inC] = filter;
    return 2 * prod(y) * kh * kw * inC;
  }
  return 0;
}

/**
 * Runs `step` once under tf.profile and counts the FLOPs of its products and convolutions.
 * @param {() => Promise<unknown>} step
 * @returns {Promise<{flops: number, products: number}>}
 */
export async function countStepFlops(step) {
  const info = await tf.profile(async () => { await step(); });
  let flops = 0;
  let products = 0;
  for (const k of info.kernels) {
    const f = kernelFlops(k);
    if (f > 0) { flops += f; products += 1; }
  }
  return { flops, products };
}
