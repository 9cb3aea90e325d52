import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** tfjs-layers does not export these from its entry; derive them from the public classes. */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
export type Kwargs = Parameters<InstanceType<typeof tfl.layers.Layer>['call']>[1];
export type LayerVariable = tfl.LayerVariable;
export type Shape = tfl.Shape;
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;
export type ConfigDict = tf.serialization.ConfigDict;
export type Layer = InstanceType<typeof tfl.layers.Layer>;
