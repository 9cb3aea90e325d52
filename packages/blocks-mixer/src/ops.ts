import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, formatShape } from '@mlp-blocks/core';

/** [batch, a, b] → [batch, b, a]: token (or time) mixing runs a dense layer on the swapped axes. */
export function swapAxes(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 2, 1]);
}

/**
 * The [batch, n, channels] shape a mixing block takes, with an error naming the expected and received
 * counts when the mixing weights were built for another `n` (checked before any tfjs op sees the tensor).
 */
export function checkSequence(owner: string, what: 'tokens' | 'time steps', shape: readonly (number | null)[], expected: number | null): void {
  if (shape.length !== 3) {
    throw new ShapeError(`${owner}: expected an input [batch, ${what === 'tokens' ? 'tokens' : 'time'}, ${what === 'tokens' ? 'channels' : 'features'}], received shape ${formatShape(shape)}`);
  }
  const n = shape[1];
  if (expected !== null && n != null && n !== expected) {
    throw new ShapeError(`${owner}: expected ${expected} ${what}, received ${n} ${what} (input shape ${formatShape(shape)}); the ${what === 'tokens' ? 'token' : 'time'}-mixing weights are built for ${expected}`);
  }
}

/** The sequence length a mixing block builds its weights for: the configured one, else the input's. */
export function sequenceLength(owner: string, what: 'tokens' | 'time steps', option: string, shape: readonly (number | null)[], configured: number | null): number {
  checkSequence(owner, what, shape, configured);
  const n = configured ?? shape[1];
  if (n == null) {
    throw new ConfigError(owner, option, 'given when the input\'s sequence axis is unknown', null,
      `${owner}: the number of ${what} is unknown (input shape ${formatShape(shape)}); pass the "${option}" option`);
  }
  return n;
}
