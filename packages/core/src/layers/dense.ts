import * as tf from '@tensorflow/tfjs-core';
import { getActivation } from '../activations.js';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { ConfigError } from '../errors.js';
import { resolveInitializer } from '../initializers.js';
import { denseActivation } from '../ops/dense-activation.js';
import { denseTokens } from '../ops/dense-tokens.js';
import { option } from '../options/index.js';
import { type OptionsInput, type OptionsOutput, defineOptions } from '../options/parse.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import type { Kwargs, LayerVariable, Shape } from '../types.js';

/** The options of {@link Dense}, each declared once. */
export const DENSE_OPTIONS = defineOptions({
  units: option.positiveInt('Output size.'),
  useBias: option.withDefault(option.boolean('Add a learnt bias.'), true),
  activation: option.withDefault(option.activation('Applied to the output.'), 'linear'),
  kernelInitializer: option.withDefault(option.initializer('Kernel initializer (PyTorch nn.Linear by default).'), 'torchUniform'),
  biasInitializer: option.withDefault(option.initializer('Bias initializer (PyTorch nn.Linear by default).'), 'torchUniform'),
});
/** Dense options as parsed (defaults filled). */
export type DenseOptions = OptionsOutput<typeof DENSE_OPTIONS.entries>;
/** Options of a Dense layer (plus the tfjs layer arguments such as `name` and `inputShape`). */
export type DenseArgs = BlockArgs & OptionsInput<typeof DENSE_OPTIONS.entries>;

/** The parsed options are the layer's properties (`dense.units`, `dense.useBias`, …). */
export interface Dense extends Readonly<DenseOptions> {}

/** A dense layer on the last axis of an input of any rank, using the explicit-transpose dense op. */
export class Dense extends Block {
  static className = `${CLASS_PREFIX}Dense`;
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(args: DenseArgs) {
    super(args);
    const o = this.parseOptions(DENSE_OPTIONS, args);
    Object.assign(this, o);
    this.act = getActivation(o.activation, this.blockName);
    resolveInitializer(o.kernelInitializer, 1, this.blockName, 'kernelInitializer');
    resolveInitializer(o.biasInitializer, 1, this.blockName, 'biasInitializer');
  }

  override build(inputShape: Shape | Shape[]): void {
    const inDim = lastDim(this.blockName, oneShape(this.blockName, inputShape));
    this.kernel = this.addWeight('kernel', [inDim, this.units], 'float32',
      resolveInitializer(this.kernelInitializer, inDim, this.blockName, 'kernelInitializer'));
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], 'float32',
        resolveInitializer(this.biasInitializer, inDim, this.blockName, 'biasInitializer'));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      return denseActivation(x, this.kernel!.read(), this.bias?.read(), this.activation, this.act);
    });
  }

  /**
   * The layer applied along axis 1 of x [batch, inDim, channels] instead of the last: [batch, units, channels],
   * the same values as swapping axes 1 and 2, calling the layer and swapping back (token mixing), without the
   * two transposes where the backend multiplies transposed operands at full speed (core's `denseTokens`).
   */
  callTokens(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.act(denseTokens(x, this.kernel!.read(), this.bias?.read())));
  }

  /**
   * The layer's output in column groups of the given sizes (summing to `units`), each computed as its own product
   * with that slice of the kernel: cheaper than the whole output and a split when the groups are used apart
   * (gMLP's two halves, attention's q, k and v), since no wide activation is copied and no gradient concatenated.
   */
  callColumns(x: tf.Tensor, sizes: readonly number[]): tf.Tensor[] {
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== this.units || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new ConfigError(this.blockName, 'sizes', `positive column counts summing to units (${this.units})`, sizes);
    }
    return tf.tidy(() => {
      const kernel = this.kernel!.read();
      const bias = this.bias?.read();
      const d = kernel.shape[0]!;
      let from = 0;
      return sizes.map((size) => {
        const k = tf.slice(kernel, [0, from], [d, size]);
        const b = bias ? tf.slice(bias, [from], [size]) : undefined;
        from += size;
        return denseActivation(x, k, b, this.activation, this.act);
      });
    });
  }
}
