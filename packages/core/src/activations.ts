import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from './errors.js';
import { GELU_GRAD_KERNEL, GELU_KERNEL } from './ops/kernels.js';

/** The activation names blocks accept. */
export const ACTIVATIONS = ['relu', 'gelu', 'gelu_tanh', 'silu', 'sigmoid', 'tanh', 'linear'] as const;
/** One of ACTIVATIONS. */
export type ActivationName = (typeof ACTIVATIONS)[number];

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// A backend package's native GELU (float32 only), where one is registered for the active backend.
const hasKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

/*
 * One tape node that saves only x: autodiff of the formula records five nodes and keeps three extra
 * activation-sized tensors (and their gradients) alive until the backward pass ends.
 */
const geluFused = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: x.dtype === 'float32' && hasKernel(GELU_KERNEL) ? (tf.engine().runKernel(GELU_KERNEL, { x }) as tf.Tensor) : geluFormula(x),
    // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ the standard normal density.
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.tidy(() => {
      const [xs] = saved as [tf.Tensor];
      if (xs.dtype === 'float32' && hasKernel(GELU_GRAD_KERNEL)) return [tf.engine().runKernel(GELU_GRAD_KERNEL, { x: xs, dy: dy as tf.Tensor }) as tf.Tensor];
      const cdf = tf.mul(tf.add(1, tf.erf(tf.mul(xs, SQRT_HALF))), 0.5);
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), INV_SQRT_2PI);
      return [tf.mul(dy as tf.Tensor, tf.add(cdf, tf.mul(xs, pdf)))];
    }),
  };
});

function geluFormula(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT_HALF)))));
}

/** GELU as PyTorch's default (`approximate='none'`): x·Φ(x) with the exact erf, with a fused gradient. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return geluFused(x);
}

/** The same GELU through tfjs autodiff; the reference the fused gradient is tested against. */
export function geluAutodiff(x: tf.Tensor): tf.Tensor {
  return geluFormula(x);
}

/** GELU with PyTorch's `approximate='tanh'` formula. */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });
}

/** SiLU / swish: x·sigmoid(x). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}

const table: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  gelu,
  gelu_tanh: geluTanh,
  silu,
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  linear: (x) => x,
};

/** Looks up an activation by name; an unknown name is a ConfigError naming `option`. */
export function getActivation(name: unknown, owner = 'activation', option = 'activation'): (x: tf.Tensor) => tf.Tensor {
  if (typeof name !== 'string' || !(ACTIVATIONS as readonly string[]).includes(name)) {
    throw new ConfigError(owner, option, `one of ${ACTIVATIONS.map((a) => `"${a}"`).join(', ')}`, name);
  }
  return table[name as ActivationName];
}
