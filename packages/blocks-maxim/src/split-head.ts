import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, Dense, type InitializerSpec, type Kwargs, LayerNorm, type OptionEntries, type OptionsSchema, type Shape,
  ShapeError,
} from '@mlp-blocks/core';
import { geluTanh } from './activation.js';
import { imageShape } from './conv.js';
import { denseOfConcat } from './split-dense.js';

/**
 * The split-head body that MAXIM's multi-axis gated MLP block and its cross-gating weights share (the authors'
 * `ResidualSplitHeadMultiAxisGmlpLayer` and `GetSpatialGatingWeights`): GELU(W_in · LN(x)) with W_in: c →
 * inputProjFactor·c, one half through a grid (global) branch and the other through a block (local) branch, then
 * W_out back to c. Subclasses give the two branches and the projections' initializer, and use the body in `call`.
 * The halves are two products and W_out one per half (see denseOfConcat): no split or concat of activations.
 */
export abstract class SplitHeadBlock extends Block {
  declare readonly inputProjFactor: number;
  declare readonly useBias: boolean;
  declare readonly epsilon: number;
  private readonly norm: LayerNorm;
  private readonly branches: [grid: Block, block: Block];
  private inProject: Dense | null = null;
  private outProject: Dense | null = null;

  protected constructor(args: BlockArgs, schema: OptionsSchema<OptionEntries>) {
    super(args);
    Object.assign(this, this.parseOptions(schema, args));
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.branches = this.makeBranches().map((b) => this.own(b)) as [Block, Block];
  }

  /** The grid branch and the block branch, each on half of the projected channels (named 'grid' and 'block'). */
  protected abstract makeBranches(): [grid: Block, block: Block];
  /** Initializer of W_in and W_out. */
  protected abstract readonly projectionInit: InitializerSpec;

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    const c = shape[3]!;
    const wide = c * this.inputProjFactor;
    if (wide % 2 !== 0) throw new ShapeError(`${this.blockName}: channels × inputProjFactor must be even (split between the branches), received ${c} × ${this.inputProjFactor}`);
    const dense = (name: string, units: number) => this.own(new Dense({ name, units, useBias: this.useBias, kernelInitializer: this.projectionInit, biasInitializer: 'zeros' }));
    this.inProject = dense('in_project', wide);
    this.outProject = dense('out_project', c);
    const lead = shape.slice(0, 3);
    this.buildOwned(this.norm, shape);
    this.buildOwned(this.inProject, shape);
    for (const branch of this.branches) this.buildOwned(branch, [...lead, wide / 2]);
    this.buildOwned(this.outProject, [...lead, wide]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  /** W_out · [grid(u) | block(v)] with [u | v] = GELU(W_in · LN(x)). */
  protected splitHead(x: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const half = this.inProject!.units / 2;
      const [u, v] = this.inProject!.callColumns(this.callOwned(this.norm, x, kwargs), [half, half]).map((t) => geluTanh(t)) as [tf.Tensor, tf.Tensor];
      const [grid, block] = this.branches;
      return denseOfConcat(this.outProject!.kernel!.read(), this.outProject!.bias?.read() ?? null, [this.callOwned(grid, u, kwargs), this.callOwned(block, v, kwargs)]);
    });
  }
}
