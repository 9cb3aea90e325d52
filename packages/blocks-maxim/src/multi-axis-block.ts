import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, Dense, type Kwargs, LayerNorm, type OptionsInput, type OptionsOutput, type Shape,
  ShapeError, defineOptions, dropout, oneTensor, option, pickOptions,
} from '@mlp-blocks/core';
import { geluTanh } from './activation.js';
import { imageShape } from './conv.js';
import { AXIS_GMLP_OPTIONS, AxisGmlpLayer, MLP_INIT } from './gating.js';
import { denseOfConcat } from './split-dense.js';

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
 * dilated mixing), the other through a block gMLP layer (local mixing); the halves are concatenated, projected
 * back to c and added to x. Images [b, h, w, c] → [b, h, w, c], any h and w (see SpatialProjection).
 */
export class MultiAxisGmlpBlock extends Block {
  static className = `${CLASS_PREFIX}MultiAxisGmlpBlock`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly norm: LayerNorm;
  private inProject: Dense | null = null;
  private readonly grid: AxisGmlpLayer;
  private readonly block: AxisGmlpLayer;
  private outProject: Dense | null = null;

  constructor(args: MultiAxisGmlpBlockArgs) {
    super(args);
    Object.assign(this, this.parseOptions(MULTI_AXIS_OPTIONS, args));
    const common = { useBias: this.useBias, epsilon: this.epsilon, dropout: this.dropout };
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.grid = this.own(new AxisGmlpLayer({ name: 'grid', axis: 'grid', size: this.gridSize, factor: this.gridGmlpFactor, ...common }));
    this.block = this.own(new AxisGmlpLayer({ name: 'block', axis: 'block', size: this.blockSize, factor: this.blockGmlpFactor, ...common }));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    const c = shape[3]!;
    const wide = c * this.inputProjFactor;
    if (wide % 2 !== 0) throw new ShapeError(`${this.blockName}: channels × inputProjFactor must be even (split between the branches), received ${c} × ${this.inputProjFactor}`);
    const dense = (name: string, units: number) => this.own(new Dense({ name, units, useBias: this.useBias, kernelInitializer: MLP_INIT, biasInitializer: 'zeros' }));
    this.inProject = dense('in_project', wide);
    this.outProject = dense('out_project', c);
    const half = [...shape.slice(0, 3), wide / 2];
    this.buildOwned(this.norm, shape);
    this.buildOwned(this.inProject, shape);
    this.buildOwned(this.grid, half);
    this.buildOwned(this.block, half);
    this.buildOwned(this.outProject, [...shape.slice(0, 3), wide]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const half = this.inProject!.units / 2;
      const [u, v] = this.inProject!.callColumns(this.callOwned(this.norm, x, kwargs), [half, half]).map((t) => geluTanh(t)) as [tf.Tensor, tf.Tensor];
      const y = denseOfConcat(this.outProject!.kernel!.read(), this.outProject!.bias?.read() ?? null, [this.callOwned(this.grid, u, kwargs), this.callOwned(this.block, v, kwargs)]);
      return tf.add(x, dropout(y, this.dropout, this.isTraining(kwargs)));
    });
  }
}
