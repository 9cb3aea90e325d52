import * as tf from '@tensorflow/tfjs-core';
import {
  type BlockArgs, CLASS_PREFIX, type Kwargs, type OptionsInput, type OptionsOutput, defineOptions, dropout, oneTensor, option,
  pickOptions,
} from '@mlp-blocks/core';
import { AXIS_GMLP_OPTIONS, AxisGmlpLayer, MLP_INIT } from './gating.js';
import { SplitHeadBlock } from './split-head.js';

/** The options of {@link MultiAxisGmlpBlock} (the UNet blocks compose them). */
export const MULTI_AXIS_OPTIONS = defineOptions({
  blockSize: option.sizePair('Pixels per block of the local (block) branch: fh or [fh, fw].'),
  gridSize: option.sizePair('Cells of the global (grid) branch: gh or [gh, gw].'),
  inputProjFactor: option.withDefault(option.positiveInt('Expansion of the block\'s input projection, split between the two branches.'), 2),
  blockGmlpFactor: option.withDefault(option.positiveInt('Expansion inside the block gMLP branch.'), 2),
  gridGmlpFactor: option.withDefault(option.positiveInt('Expansion inside the grid gMLP branch.'), 2),
  ...pickOptions(AXIS_GMLP_OPTIONS, ['useBias', 'epsilon', 'dropout']),
});
/** Options of a MultiAxisGmlpBlock. */
export type MultiAxisGmlpBlockArgs = BlockArgs & OptionsInput<typeof MULTI_AXIS_OPTIONS.entries>;
/** The parsed options are the block's properties. */
export interface MultiAxisGmlpBlock extends Readonly<OptionsOutput<typeof MULTI_AXIS_OPTIONS.entries>> {}

/**
 * MAXIM's multi-axis gated MLP block (the authors' `ResidualSplitHeadMultiAxisGmlpLayer`): after
 * GELU(W_in · LN(x)) (c → inputProjFactor·c), one half of the channels goes through a grid gMLP layer (global,
 * dilated mixing), the other through a block gMLP layer (local mixing); the halves are projected back to c together
 * and added to x. Images [b, h, w, c] → [b, h, w, c], any h and w (see SpatialProjection).
 */
export class MultiAxisGmlpBlock extends SplitHeadBlock {
  static className = `${CLASS_PREFIX}MultiAxisGmlpBlock`;
  static override packageName = '@mlp-blocks/maxim';
  protected override readonly projectionInit = MLP_INIT;

  constructor(args: MultiAxisGmlpBlockArgs) {
    super(args, MULTI_AXIS_OPTIONS);
  }

  protected override makeBranches(): [AxisGmlpLayer, AxisGmlpLayer] {
    const common = { useBias: this.useBias, epsilon: this.epsilon, dropout: this.dropout };
    return [
      new AxisGmlpLayer({ name: 'grid', axis: 'grid', size: this.gridSize, factor: this.gridGmlpFactor, ...common }),
      new AxisGmlpLayer({ name: 'block', axis: 'block', size: this.blockSize, factor: this.blockGmlpFactor, ...common }),
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      return tf.add(x, dropout(this.splitHead(x, kwargs), this.dropout, this.isTraining(kwargs)));
    });
  }
}
