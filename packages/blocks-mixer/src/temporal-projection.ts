import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, type Kwargs, type OptionsInput, type OptionsOutput, type Shape, defineOptions,
  oneShape, oneTensor, option, pickOptions,
} from '@mlp-blocks/core';
import { checkSequence, sequenceLength, swapAxes } from './ops.js';
import { TSMIXER_BLOCK_OPTIONS } from './tsmixer-block.js';

/** The options of {@link TemporalProjection}: the horizon, and the window length and initializer as TsMixerBlock's. */
export const TEMPORAL_PROJECTION_OPTIONS = defineOptions({
  horizon: option.positiveInt('Output length H (the forecast horizon).'),
  ...pickOptions(TSMIXER_BLOCK_OPTIONS, ['seqLen', 'kernelInitializer']),
});
/** Names TemporalProjection used before the one vocabulary (accepted, with a warning, until the next major release). */
export const TEMPORAL_PROJECTION_RENAMES = { timeSteps: 'seqLen' } as const;
/** The parsed options of a TemporalProjection. */
export type TemporalProjectionOptions = OptionsOutput<typeof TEMPORAL_PROJECTION_OPTIONS.entries>;
/** Options of a TemporalProjection (plus the usual tfjs layer arguments). */
export type TemporalProjectionArgs = BlockArgs & OptionsInput<typeof TEMPORAL_PROJECTION_OPTIONS.entries> & {
  /** @deprecated Renamed `seqLen`; accepted until the next major release. */
  timeSteps?: number | null;
};

/** The parsed options are the layer's properties (`seqLen` becomes the input's length once built). */
export interface TemporalProjection extends Readonly<Omit<TemporalProjectionOptions, 'seqLen'>> {}

/**
 * TSMixer's temporal head: [batch, T, features] → [batch, H, features], one linear map T → H along the time
 * axis shared by every feature (weights `proj/kernel`, `proj/bias`).
 */
export class TemporalProjection extends Block {
  static className = `${CLASS_PREFIX}TemporalProjection`;
  static override packageName = '@mlp-blocks/mixer';
  /** Input length: configured, or the input's once built. */
  seqLen: number | null = null;
  private readonly proj: Dense;

  constructor(args: TemporalProjectionArgs) {
    super(args);
    const o = this.parseOptions(TEMPORAL_PROJECTION_OPTIONS, args, TEMPORAL_PROJECTION_RENAMES);
    Object.assign(this, o);
    this.seqLen = o.seqLen ?? null;
    this.proj = this.own(new Dense({ name: 'proj', units: o.horizon, kernelInitializer: o.kernelInitializer, biasInitializer: 'zeros' }));
  }

  /** @deprecated Renamed `seqLen`. */
  get timeSteps(): number | null {
    return this.seqLen;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const t = sequenceLength(this.blockName, 'time steps', 'seqLen', shape, this.seqLen);
    this.buildOwned(this.proj, [shape[0] ?? null, shape[2] ?? null, t]);
    this.seqLen = t;
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = oneShape(this.blockName, inputShape);
    checkSequence(this.blockName, 'time steps', shape, this.seqLen);
    return [shape[0] ?? null, this.horizon, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = oneTensor(this.blockName, inputs);
    checkSequence(this.blockName, 'time steps', x.shape, this.seqLen);
    return tf.tidy(() => swapAxes(this.callOwned(this.proj, swapAxes(x), kwargs)));
  }

  /** The parsed options plus the window length learnt at build. */
  protected override blockConfig(): ConfigDict {
    const cfg = super.blockConfig();
    delete cfg['seqLen']; // placed last, whether given or learnt, so the config round-trips unchanged
    if (this.seqLen !== null) cfg['seqLen'] = this.seqLen;
    return cfg;
  }
}
