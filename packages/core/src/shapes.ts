import type * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from './errors.js';
import type { Shape } from './types.js';

/** The single input shape of a one-input layer (tfjs passes `Shape | Shape[]`). */
export function oneShape(owner: string, inputShape: Shape | Shape[]): Shape {
  if (Array.isArray(inputShape[0])) {
    if (inputShape.length !== 1) throw new ShapeError(`${owner}: expected one input, received ${inputShape.length}`);
    return inputShape[0] as Shape;
  }
  return inputShape as Shape;
}

/** The single input tensor of a one-input layer. */
export function oneTensor(owner: string, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new ShapeError(`${owner}: expected one input tensor, received ${inputs.length}`);
    return inputs[0]!;
  }
  return inputs;
}

/** The size of the last axis, which must be known when the layer is built. */
export function lastDim(owner: string, shape: Shape): number {
  const d = shape[shape.length - 1];
  if (d == null) throw new ShapeError(`${owner}: the last axis of the input must be known when building, received shape [${shape.map(String).join(', ')}]`);
  return d;
}

/** A shape as error messages print it, e.g. `[null, 28, 28]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? 'null' : String(d))).join(', ')}]`;
}

/** The single input shape of a token layer: `[batch, tokens, channels]` with the channel axis known. */
export function tokenShape(owner: string, inputShape: Shape | Shape[]): Shape {
  const shape = oneShape(owner, inputShape);
  if (shape.length !== 3 || shape[2] == null) {
    throw new ShapeError(`${owner}: expected tokens [batch, tokens, channels] with known channels, received ${formatShape(shape)}`);
  }
  return shape;
}
