import * as tf from '@tensorflow/tfjs-core';
import { type ActivationName, getActivation } from '../activations.js';
import { Block, type BlockArgs, CLASS_PREFIX } from '../block.js';
import { type InitializerSpec, resolveInitializer } from '../initializers.js';
import { dense } from '../ops/dense.js';
import { lastDim, oneShape, oneTensor } from '../shapes.js';
import type { ConfigDict, Kwargs, LayerVariable, Shape } from '../types.js';
import { boolean, positiveInt } from '../validate.js';

/** Options of a Dense layer; `units` is its output size. */
export interface DenseArgs extends BlockArgs {
  units: number;
  /** Default true. */
  useBias?: boolean;
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default 'torchUniform' (PyTorch nn.Linear). */
  kernelInitializer?: InitializerSpec;
  /** Default 'torchUniform' (PyTorch nn.Linear). */
  biasInitializer?: InitializerSpec;
}

/** A dense layer on the last axis of an input of any rank, using the explicit-transpose dense op. */
export class Dense extends Block {
  static className = `${CLASS_PREFIX}Dense`;
  readonly units: number;
  readonly useBias: boolean;
  readonly activation: ActivationName;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(args: DenseArgs) {
    super(args);
    this.checkOptions(args, ['units', 'useBias', 'activation', 'kernelInitializer', 'biasInitializer']);
    this.units = positiveInt(this.blockName, 'units', args.units);
    this.useBias = boolean(this.blockName, 'useBias', args.useBias ?? true);
    this.activation = args.activation ?? 'linear';
    this.act = getActivation(this.activation, this.blockName);
    this.kernelInitializer = args.kernelInitializer ?? 'torchUniform';
    this.biasInitializer = args.biasInitializer ?? 'torchUniform';
    resolveInitializer(this.kernelInitializer, 1, this.blockName, 'kernelInitializer');
    resolveInitializer(this.biasInitializer, 1, this.blockName, 'biasInitializer');
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
      return this.act(dense(x, this.kernel!.read(), this.bias?.read()));
    });
  }

  protected blockConfig(): ConfigDict {
    return {
      units: this.units,
      useBias: this.useBias,
      activation: this.activation,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
      biasInitializer: this.biasInitializer as ConfigDict[string],
    };
  }
}
