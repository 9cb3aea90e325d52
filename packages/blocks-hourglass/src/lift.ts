import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The model's lift layer, or null for an identity lift. */
function liftLayer(model: tfl.LayersModel): tfl.layers.Layer | null {
  return model.layers.find((l) => l.name === 'lift') ?? null;
}

/**
 * Applies a network's lift to a whole data set once. With a frozen lift and no augmentation, training the
 * `trunk` on these inputs gives the same weights as training the full network, without redoing the
 * d_in × d_z product every step. Processes `batchSize` rows at a time to bound memory.
 */
export function precomputeLift(model: tfl.LayersModel, x: tf.Tensor2D, batchSize = 1024): tf.Tensor2D {
  const lift = liftLayer(model);
  if (!lift) return tf.clone(x);
  if (lift.trainableWeights.length > 0) {
    throw new Error('precomputeLift: the lift is trainable, so its output changes every step; only a fixed (frozen) lift can be precomputed');
  }
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < x.shape[0]; start += batchSize) {
      const size = Math.min(batchSize, x.shape[0] - start);
      parts.push(lift.apply(tf.slice(x, [start, 0], [size, x.shape[1]])) as tf.Tensor);
    }
    return tf.concat(parts, 0) as tf.Tensor2D;
  });
}

/**
 * The network without its lift: input width d_z, the same block and head layer objects (weights shared), so
 * training the trunk trains the full network. Pair it with `precomputeLift`.
 */
export function trunk(model: tfl.LayersModel): tfl.LayersModel {
  const lift = liftLayer(model);
  if (!lift) return model;
  const rest = model.layers.filter((l) => l !== lift);
  const width = (lift.outputShape as (number | null)[])[1]!;
  const input = tfl.input({ shape: [width], name: 'lifted' });
  let out = input as tfl.SymbolicTensor;
  for (const layer of rest) out = layer.apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: `${model.name}_trunk` });
}
