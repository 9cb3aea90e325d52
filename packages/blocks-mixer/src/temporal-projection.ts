import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, type InitializerSpec, type Kwargs, type Shape, oneShape, oneTensor, validate,
} from '@mlp-blocks/core';
import { checkSequence, sequenceLength, swapAxes } from './ops.js';

/** Options of a TemporalProjection (plus the usual tfjs layer arguments). */
export interface TemporalProjectionArgs extends BlockArgs {
  /** Output length H (the forecast horizon). */
  horizon: number;
  /** Input length T; checked against the input when given, inferred from it otherwise. */
  timeSteps?: number;
  /** Default 'glorotUniform' (Keras Dense, as the TSMixer authors' head). Bias starts at zero. */
  kernelInitializer?: InitializerSpec;
}

/**
 * TSMixer's temporal head: [batch, T, features] → [batch, H, features], one linear map T → H along the time
 * axis shared by every feature.
 */
export class TemporalProjection extends Block {
  static className = `${CLASS_PREFIX}TemporalProjection`;
  static override packageName = '@mlp-blocks/mixer';
  readonly horizon: number;
  readonly kernelInitializer: InitializerSpec;
  timeSteps: number | null;
  private readonly proj: Dense;

  constructor(args: TemporalProjectionArgs) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, ['horizon', 'timeSteps', 'kernelInitializer']);
    this.horizon = validate.positiveInt(name, 'horizon', args.horizon);
    this.timeSteps = args.timeSteps === undefined || args.timeSteps === null ? null : validate.positiveInt(name, 'timeSteps', args.timeSteps);
    this.kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    this.proj = this.own(new Dense({ name: 'proj', units: this.horizon, kernelInitializer: this.kernelInitializer, biasInitializer: 'zeros' }));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const t = sequenceLength(this.blockName, 'time steps', 'timeSteps', shape, this.timeSteps);
    this.buildOwned(this.proj, [shape[0] ?? null, shape[2] ?? null, t]);
    this.timeSteps = t;
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    checkSequence(this.blockName, 'time steps', shape, this.timeSteps);
    return [shape[0] ?? null, this.horizon, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    checkSequence(this.blockName, 'time steps', x.shape, this.timeSteps);
    return tf.tidy(() => swapAxes(this.callOwned(this.proj, swapAxes(x), kwargs)));
  }

  protected override blockConfig(): ConfigDict {
    const cfg: ConfigDict = { horizon: this.horizon, kernelInitializer: this.kernelInitializer as ConfigDict[string] };
    if (this.timeSteps !== null) cfg['timeSteps'] = this.timeSteps;
    return cfg;
  }
}
