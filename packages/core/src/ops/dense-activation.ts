// A dense op followed by its activation, fused into the product where the backend can and nothing needs a
// gradient (inference: model.predict, evaluation): the activation then runs on the product's output while it is
// being written, instead of as another pass and another kernel. In training the plain dense op and activation run.
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from '../activations.js';
import { dense } from './dense.js';
import { productsTransposeFree } from './kernels.js';

/**
 * Name of the optional kernel gelu(a·b + bias) (exact-erf GELU as core's `GELU_KERNEL`) for float32 `a` [m, k],
 * `b` [k, n] and optional `bias` [n]; no gradient. Its result must be bit-identical to the product, then the
 * bias Add, then `GELU_KERNEL` on the same backend. Used only where nothing records gradients.
 */
export const DENSE_GELU_KERNEL = 'MlpBlocksDenseGelu';

const hasKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

/**
 * act(dense(x, kernel, bias)) for the named activation `activation` whose function is `act`. With no gradient
 * being recorded on a transpose-free backend (blas), ReLU goes into `_FusedMatMul` and GELU into
 * {@link DENSE_GELU_KERNEL} when registered; elsewhere the two run apart. Same values either way.
 */
export function denseActivation(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null | undefined,
  activation: ActivationName,
  act: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const fusable =
    (activation === 'relu' || (activation === 'gelu' && hasKernel(DENSE_GELU_KERNEL))) &&
    tf.engine().state.gradientDepth === 0 &&
    productsTransposeFree() &&
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    x.shape[x.rank - 1] === kernel.shape[0];
  if (!fusable) return act(dense(x, kernel, bias));
  return tf.tidy(() => {
    const units = kernel.shape[1]!;
    const flat = x.rank === 2 ? x : tf.reshape(x, [-1, kernel.shape[0]!]);
    const y =
      activation === 'relu'
        ? tf.fused.matMul({ a: flat as tf.Tensor2D, b: kernel as tf.Tensor2D, bias: bias ?? undefined, activation: 'relu' })
        : (tf.engine().runKernel(DENSE_GELU_KERNEL, bias ? { a: flat, b: kernel, bias } : { a: flat, b: kernel }) as tf.Tensor);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), units]);
  });
}
