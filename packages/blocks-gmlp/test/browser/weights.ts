// Deterministic weights and inputs shared by the browser page and the Node side of the bundle test, so both
// compute the same logits (the model's own head starts at zero, which would make any comparison trivial).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export function fillWeights(model: tfl.LayersModel): void {
  const values = model.getWeights().map((w, k) =>
    tf.tidy(() => tf.reshape(tf.mul(tf.sin(tf.add(tf.mul(tf.range(0, w.size), 0.37), k)), 0.2), w.shape)),
  );
  model.setWeights(values);
  tf.dispose(values);
}

export function sampleImages(): tf.Tensor4D {
  // functional ops only: chained methods (t.reshape) exist in a bundle only if tfjs's chained-op module is loaded
  return tf.tidy(() => tf.reshape(tf.add(tf.mul(tf.cos(tf.mul(tf.range(0, 2 * 28 * 28), 0.05)), 0.5), 0.5), [2, 28, 28, 1]) as tf.Tensor4D);
}
