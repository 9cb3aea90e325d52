import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** tfjs-layers does not export these from its entry; derive them from the public classes. */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
/** The keyword arguments tfjs passes to a layer's `call` (e.g. `training`). */
export type Kwargs = Parameters<InstanceType<typeof tfl.layers.Layer>['call']>[1];
/** A tfjs layer weight. */
export type LayerVariable = tfl.LayerVariable;
/** A tfjs layer shape: dimensions, `null` where unknown (the batch axis). */
export type Shape = tfl.Shape;
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;
/** A serializable layer config, as `getConfig` returns it. */
export type ConfigDict = tf.serialization.ConfigDict;
export type Layer = InstanceType<typeof tfl.layers.Layer>;
