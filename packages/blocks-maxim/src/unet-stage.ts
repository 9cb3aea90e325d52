import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type Kwargs, type OptionsInput, type OptionsOutput, type Shape, defineOptions,
  oneTensor, option, pickOptions,
} from '@mlp-blocks/core';
import { RCAB_OPTIONS, Rcab, Rdcab } from './channel-attention.js';
import { Conv2d, imageShape } from './conv.js';
import { MULTI_AXIS_OPTIONS, MultiAxisGmlpBlock } from './multi-axis-block.js';
import { recompute } from './recompute.js';

/** The options of {@link UnetStage}. */
export const UNET_STAGE_OPTIONS = defineOptions({
  features: option.positiveInt('Channels of the stage (after its 1 × 1 input convolution).'),
  numGroups: option.withDefault(option.positiveInt('Pairs of (multi-axis gated MLP block, channel-attention block).'), 1),
  channelBlock: option.withDefault(option.oneOf(['rcab', 'rdcab'], "'rcab' (convolutional, encoder and decoder) or 'rdcab' (MLP, bottleneck)."), 'rcab'),
  useGlobalMlp: option.withDefault(option.boolean('Use the multi-axis gated MLP blocks (false leaves the channel-attention blocks alone).'), true),
  ...pickOptions(MULTI_AXIS_OPTIONS, ['blockSize', 'gridSize', 'inputProjFactor', 'blockGmlpFactor', 'gridGmlpFactor', 'useBias', 'epsilon', 'dropout']),
  ...pickOptions(RCAB_OPTIONS, ['reduction', 'lreluSlope']),
});
/** Options of a UnetStage. */
export type UnetStageArgs = BlockArgs & OptionsInput<typeof UNET_STAGE_OPTIONS.entries>;
/** The parsed options are the stage's properties. */
export interface UnetStage extends Readonly<OptionsOutput<typeof UNET_STAGE_OPTIONS.entries>> {}

/**
 * One scale of the MAXIM UNet, as the authors' encoder block (without its down-sampling), decoder block (without
 * its up-sampling) and bottleneck block: x = conv1×1(input) to `features`; numGroups × (MultiAxisGmlpBlock, then
 * Rcab or Rdcab); plus the long skip x. Images [b, h, w, any] → [b, h, w, features].
 */
export class UnetStage extends Block {
  static className = `${CLASS_PREFIX}UnetStage`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly conv: Conv2d;
  private readonly groups: Block[] = [];

  constructor(args: UnetStageArgs) {
    super(args);
    Object.assign(this, this.parseOptions(UNET_STAGE_OPTIONS, args));
    const { useBias, epsilon, dropout, reduction } = this;
    this.conv = this.own(new Conv2d({ name: 'conv_in', filters: this.features, kernelSize: 1, useBias }));
    for (let g = 0; g < this.numGroups; g++) {
      if (this.useGlobalMlp) {
        this.groups.push(this.own(new MultiAxisGmlpBlock({
          name: `mab_${g}`, blockSize: this.blockSize, gridSize: this.gridSize, inputProjFactor: this.inputProjFactor,
          blockGmlpFactor: this.blockGmlpFactor, gridGmlpFactor: this.gridGmlpFactor, useBias, epsilon, dropout,
        })));
      }
      this.groups.push(this.own(this.channelBlock === 'rcab'
        ? new Rcab({ name: `rcab_${g}`, reduction, lreluSlope: this.lreluSlope, useBias, epsilon })
        : new Rdcab({ name: `rdcab_${g}`, reduction, useBias, epsilon })));
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    this.buildOwned(this.conv, shape);
    const out = [...shape.slice(0, 3), this.features];
    for (const layer of this.groups) this.buildOwned(layer, out);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...imageShape(this.blockName, inputShape).slice(0, 3), this.features];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return this.callParts([oneTensor(this.blockName, inputs)], kwargs);
  }

  /** The stage on the channel concatenation of `parts`, without making it (its 1 × 1 convolution takes them apart). */
  callParts(parts: tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const body = (...inputs: tf.Tensor[]) => tf.tidy(() => {
      const shortcut = this.conv.callParts(inputs);
      let x = shortcut;
      for (const layer of this.groups) x = this.callOwned(layer, x, kwargs);
      return tf.add(x, shortcut);
    });
    // Training keeps only the stage's inputs for the backward pass (see recompute); dropout could not be replayed.
    if (!this.isTraining(kwargs) || this.dropout > 0) return body(...parts);
    return recompute(body, parts, this.trainableWeights.map((w) => w.read()));
  }
}
