import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** An input batch and the outputs a model gave for it when it was saved (a saved-model fixture's io.json). */
export interface SavedModelIO {
  input: { dtype: 'float32' | 'int32'; shape: number[]; values: number[] };
  output: { shape: number[]; values: number[] };
}

/**
 * The largest absolute difference between what `model` predicts for a fixture's input and the outputs the
 * fixture recorded; throws when the output shapes differ. Used to prove that models saved by an earlier release
 * still load and compute the same function.
 */
export function savedModelDifference(model: tfl.LayersModel, io: SavedModelIO): number {
  return tf.tidy(() => {
    const x = tf.tensor(io.input.values, io.input.shape, io.input.dtype);
    const y = model.predict(x) as tf.Tensor;
    if (y.shape.join() !== io.output.shape.join()) {
      throw new Error(`savedModelDifference: the model gives shape [${y.shape.join(', ')}], the fixture recorded [${io.output.shape.join(', ')}]`);
    }
    return tf.max(tf.abs(tf.sub(y, tf.tensor(io.output.values, io.output.shape)))).dataSync()[0]!;
  });
}
