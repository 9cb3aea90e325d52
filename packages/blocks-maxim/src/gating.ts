import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, Dense, type Kwargs, LayerNorm, type LayerVariable, type OptionsInput, type OptionsOutput,
  type Shape, ShapeError, defineOptions, dense, dropout, oneTensor, option, pickOptions, resolveInitializer,
} from '@mlp-blocks/core';
import { geluTanh } from './activation.js';
import { imageShape } from './conv.js';
import { blockImages, cropTopLeft, imageDims, padBottomRight, unblockImages } from './image-ops.js';

/** Flax's LayerNorm epsilon, MAXIM's everywhere. */
export const MAXIM_EPSILON = 1e-6;
/** The authors' initializer of every MLP kernel (normal, std 0.02). */
export const MLP_INIT = { name: 'normal', stddev: 0.02 } as const;

/** The options of {@link SpatialProjection}. */
export const SPATIAL_PROJECTION_OPTIONS = defineOptions({
  axis: option.oneOf(['block', 'grid'], "'block': mix the fh·fw pixels inside each block (local); 'grid': mix the gh·gw cells of a fixed grid, each pixel with those at the same place in the other cells (global, dilated)."),
  size: option.sizePair('Block size [fh, fw] (axis block) or grid size [gh, gw] (axis grid).'),
  useBias: option.withDefault(option.boolean('Add a learnt bias per mixed position.'), true),
  biasInitializer: option.withDefault(option.initializer('Bias: zeros in the gating units (which add 1 to the gate), ones in the cross-gating weights.'), 'zeros'),
});
/** Options of a SpatialProjection layer. */
export type SpatialProjectionArgs = BlockArgs & OptionsInput<typeof SPATIAL_PROJECTION_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface SpatialProjection extends Readonly<OptionsOutput<typeof SPATIAL_PROJECTION_OPTIONS.entries>> {}

/**
 * One axis of MAXIM's multi-axis mixing: a dense n × n projection over positions, shared by every channel,
 * kernel [n, n] (from, to) and bias [n]. With axis 'block' the image is cut into fh × fw blocks and n = fh·fw
 * pixels of each block are mixed; with axis 'grid' it is cut into a gh × gw grid of cells and n = gh·gw pixels,
 * one per cell at the same offset, are mixed. Images whose size is not a multiple are zero-padded at the bottom
 * and right to whole blocks (or cells) and cropped back, so any height and width work.
 */
export class SpatialProjection extends Block {
  static className = `${CLASS_PREFIX}SpatialProjection`;
  static override packageName = '@mlp-blocks/maxim';
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;

  constructor(args: SpatialProjectionArgs) {
    super(args);
    Object.assign(this, this.parseOptions(SPATIAL_PROJECTION_OPTIONS, args));
    resolveInitializer(this.biasInitializer, 1, this.blockName, 'biasInitializer');
  }

  /** Positions mixed: fh·fw or gh·gw. */
  get positions(): number {
    return this.size[0] * this.size[1];
  }

  override build(inputShape: Shape | Shape[]): void {
    imageShape(this.blockName, inputShape);
    const n = this.positions;
    this.kernel = this.addWeight('kernel', [n, n], 'float32', resolveInitializer(MLP_INIT, n));
    if (this.useBias) this.bias = this.addWeight('bias', [n], 'float32', resolveInitializer(this.biasInitializer, n, this.blockName, 'biasInitializer'));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const [, h, w] = imageDims(x);
      const [a, b] = this.size;
      // Block: a × b pixels per block, ceil(h/a) × ceil(w/b) blocks. Grid: a × b cells of ceil(h/a) × ceil(w/b).
      const [fh, fw] = this.axis === 'block' ? [a, b] : [Math.ceil(h / a), Math.ceil(w / b)];
      const [gh, gw] = this.axis === 'block' ? [Math.ceil(h / a), Math.ceil(w / b)] : [a, b];
      const blocked = blockImages(padBottomRight(x, gh * fh, gw * fw), fh, fw); // [batch, gh·gw, fh·fw, c]
      const kernel = this.kernel!.read();
      const bias = this.bias?.read() ?? null;
      // Move the mixed axis last, project, move it back (block: the fh·fw axis; grid: the gh·gw axis).
      const perm = this.axis === 'block' ? [0, 1, 3, 2] : [0, 3, 2, 1];
      const mixed = tf.transpose(dense(tf.transpose(blocked, perm), kernel, bias), perm);
      return cropTopLeft(unblockImages(mixed, gh, gw, fh, fw), h, w);
    });
  }
}

/** The options of {@link GatingUnit}. */
export const GATING_UNIT_OPTIONS = defineOptions({
  ...pickOptions(SPATIAL_PROJECTION_OPTIONS, ['axis', 'size', 'useBias']),
  epsilon: option.withDefault(option.positiveNumber("Epsilon of the LayerNorm on the gate half (Flax's default)."), MAXIM_EPSILON),
});
/** Options of a GatingUnit. */
export type GatingUnitArgs = BlockArgs & OptionsInput<typeof GATING_UNIT_OPTIONS.entries>;
/** The parsed options are the unit's properties. */
export interface GatingUnit extends Readonly<OptionsOutput<typeof GATING_UNIT_OPTIONS.entries>> {}

/**
 * MAXIM's block gating unit (axis 'block') or grid gating unit (axis 'grid'): gMLP's spatial gating on one axis.
 * Images [b, h, w, 2c] are split into halves u, v on channels; output u ⊙ (P(LN(v)) + 1) [b, h, w, c], where P is
 * a {@link SpatialProjection} over the blocks' pixels or the grid's cells.
 */
export class GatingUnit extends Block {
  static className = `${CLASS_PREFIX}GatingUnit`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly norm: LayerNorm;
  private readonly spatial: SpatialProjection;

  constructor(args: GatingUnitArgs) {
    super(args);
    Object.assign(this, this.parseOptions(GATING_UNIT_OPTIONS, args));
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.spatial = this.own(new SpatialProjection({ name: 'spatial', axis: this.axis, size: this.size, useBias: this.useBias }));
  }

  private half(shape: Shape): number {
    const c = imageShape(this.blockName, shape)[3]!;
    if (c % 2 !== 0) throw new ShapeError(`${this.blockName}: the input's channels must be even (split into two halves), received ${c}`);
    return c / 2;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    const halfShape = [...shape.slice(0, 3), this.half(shape)];
    this.buildOwned(this.norm, halfShape);
    this.buildOwned(this.spatial, halfShape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = imageShape(this.blockName, inputShape);
    return [...shape.slice(0, 3), this.half(shape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      this.half(x.shape);
      const [u, v] = tf.split(x, 2, -1) as [tf.Tensor, tf.Tensor];
      return this.gate(u, v, kwargs);
    });
  }

  /** The unit on its two halves given apart (no split): u ⊙ (P(LN(v)) + 1). */
  gate(u: tf.Tensor, v: tf.Tensor, kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(u, tf.add(this.callOwned(this.spatial, this.callOwned(this.norm, v, kwargs), kwargs), 1)));
  }
}

/** The options of {@link AxisGmlpLayer}. */
export const AXIS_GMLP_OPTIONS = defineOptions({
  ...pickOptions(GATING_UNIT_OPTIONS, ['axis', 'size', 'useBias', 'epsilon']),
  factor: option.withDefault(option.positiveInt('Expansion of the input projection (its output is split into the two halves of the gate).'), 2),
  dropout: option.withDefault(option.rate('Dropout on the branch before the residual add.'), 0),
});
/** Options of an AxisGmlpLayer. */
export type AxisGmlpLayerArgs = BlockArgs & OptionsInput<typeof AXIS_GMLP_OPTIONS.entries>;
/** The parsed options are the layer's properties. */
export interface AxisGmlpLayer extends Readonly<OptionsOutput<typeof AXIS_GMLP_OPTIONS.entries>> {}

/**
 * MAXIM's block gMLP layer (axis 'block', local mixing) or grid gMLP layer (axis 'grid', global mixing):
 * x + Dropout(W_out · GatingUnit(GELU(W_in · LN(x)))), with W_in: c → factor·c and W_out: factor·c/2 → c.
 */
export class AxisGmlpLayer extends Block {
  static className = `${CLASS_PREFIX}AxisGmlpLayer`;
  static override packageName = '@mlp-blocks/maxim';
  private readonly norm: LayerNorm;
  private inProject: Dense | null = null;
  private readonly gating: GatingUnit;
  private outProject: Dense | null = null;

  constructor(args: AxisGmlpLayerArgs) {
    super(args);
    Object.assign(this, this.parseOptions(AXIS_GMLP_OPTIONS, args));
    this.norm = this.own(new LayerNorm({ name: 'norm', epsilon: this.epsilon }));
    this.gating = new GatingUnit({ name: 'gating', axis: this.axis, size: this.size, useBias: this.useBias, epsilon: this.epsilon });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = imageShape(this.blockName, inputShape);
    const c = shape[3]!;
    const lead = shape.slice(0, 3);
    const wide = c * this.factor;
    if (wide % 2 !== 0) throw new ShapeError(`${this.blockName}: channels × factor must be even (split into two halves), received ${c} × ${this.factor}`);
    this.inProject = this.own(new Dense({ name: 'in_project', units: wide, useBias: this.useBias, kernelInitializer: MLP_INIT, biasInitializer: 'zeros' }));
    this.own(this.gating);
    this.outProject = this.own(new Dense({ name: 'out_project', units: c, useBias: this.useBias, kernelInitializer: MLP_INIT, biasInitializer: 'zeros' }));
    this.buildOwned(this.norm, shape);
    this.buildOwned(this.inProject, shape);
    this.buildOwned(this.gating, [...lead, wide]);
    this.buildOwned(this.outProject, [...lead, wide / 2]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return imageShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      // The two halves of the input projection as two products: no split of a wide activation (see denseOfConcat).
      const half = this.inProject!.units / 2;
      const [u, v] = this.inProject!.callColumns(this.callOwned(this.norm, x, kwargs), [half, half]).map((t) => geluTanh(t)) as [tf.Tensor, tf.Tensor];
      const y = this.callOwned(this.outProject!, this.gating.gate(u, v, kwargs), kwargs);
      return tf.add(x, dropout(y, this.dropout, this.isTraining(kwargs)));
    });
  }
}
