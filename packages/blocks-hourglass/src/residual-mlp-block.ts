import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, DropPath, type Kwargs, LayerScale, Mlp, type OptionsInput, type OptionsOutput,
  type Shape, ShapeError, createNorm, defineOptions, lastDim, oneShape, oneTensor, option,
} from '@mlp-blocks/core';

/** The options of {@link ResidualMlpBlock}, each declared once (the networks compose them). */
export const RESIDUAL_MLP_OPTIONS = defineOptions({
  hidden: option.positiveInt('Bottleneck (hourglass, hidden < width) or expansion (conventional, hidden > width) size.'),
  width: option.optional(option.positiveInt("Skip-path size; checked against the input's last axis when given, inferred from it otherwise.")),
  norm: option.withDefault(option.norm("Pre-norm: 'batch' without affine (the authors' code), 'layer', 'rms', 'affine' or 'none'."), 'batch'),
  activation: option.withDefault(option.activation('Between the two projections.'), 'relu'),
  useBias: option.withDefault(option.boolean('Biases on the two projections.'), false),
  dropPath: option.withDefault(option.rate('Stochastic-depth rate on the residual branch.'), 0),
  layerScale: option.withDefault(option.zeroOrPositive('Initial LayerScale on the residual branch, or 0 for none.'), 0),
  kernelInitializer: option.withDefault(option.initializer("Both projections' kernels (PyTorch nn.Linear's default)."), 'torchUniform'),
});
/** Names this package used before the one vocabulary (accepted until the next major release). */
export const RESIDUAL_MLP_RENAMES = { bias: 'useBias' } as const;
/** The parsed options of a ResidualMlpBlock. */
export type ResidualMlpBlockOptions = OptionsOutput<typeof RESIDUAL_MLP_OPTIONS.entries>;
/** Options of a ResidualMlpBlock (plus the usual tfjs layer arguments such as `name` and `inputShape`). */
export type ResidualMlpBlockArgs = BlockArgs & OptionsInput<typeof RESIDUAL_MLP_OPTIONS.entries> & {
  /** @deprecated Renamed `useBias` (tfjs's name); accepted until the next major release. */
  bias?: boolean;
};

/** The parsed options are the block's properties. */
export interface ResidualMlpBlock extends Readonly<ResidualMlpBlockOptions> {}

/**
 * The residual MLP block of "Rethinking the shape convention of an MLP": z + up(act(down(norm(z)))).
 * With hidden < width it is the hourglass (wide skip, narrow bottleneck); with hidden > width the
 * conventional inverted bottleneck. Works on [batch, width] and on token inputs [batch, n, width].
 * Sublayers (and weight names): `norm`, `down` and `up` (core's Mlp, inline), `drop_path`, `layer_scale`.
 */
export class ResidualMlpBlock extends Block {
  static className = `${CLASS_PREFIX}ResidualMlpBlock`;
  static override packageName = '@mlp-blocks/hourglass';
  private readonly normLayer: Block | null;
  private readonly mlp: Mlp;
  private readonly drop: DropPath | null;
  private readonly scale: LayerScale | null;

  constructor(args: ResidualMlpBlockArgs) {
    super(args);
    const o = this.parseOptions(RESIDUAL_MLP_OPTIONS, args, RESIDUAL_MLP_RENAMES);
    Object.assign(this, o);
    this.normLayer = createNorm(o.norm, 'norm', this.blockName);
    if (this.normLayer) this.own(this.normLayer);
    this.mlp = this.own(new Mlp({
      name: 'mlp', hiddenUnits: o.hidden, ...(o.width != null ? { units: o.width } : {}), activation: o.activation,
      useBias: o.useBias, kernelInitializer: o.kernelInitializer, layerNames: ['down', 'up'],
    }));
    this.drop = o.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: o.dropPath })) : null;
    this.scale = o.layerScale > 0 ? this.own(new LayerScale({ name: 'layer_scale', init: o.layerScale })) : null;
  }

  /** 'hourglass' when the hidden layer is narrower than the skip path, else 'conventional'. */
  get shape(): 'hourglass' | 'conventional' | null {
    return this.width == null ? null : this.hidden < this.width ? 'hourglass' : 'conventional';
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const width = lastDim(this.blockName, shape);
    if (this.width != null && this.width !== width) {
      throw new ShapeError(`${this.blockName}: configured width ${this.width} but the input's last axis is ${width}`);
    }
    if (this.normLayer) this.buildOwned(this.normLayer, shape);
    this.buildOwned(this.mlp, shape, true);
    if (this.drop) this.buildOwned(this.drop, shape);
    if (this.scale) this.buildOwned(this.scale, shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const z = oneTensor(this.blockName, inputs);
      let h = this.normLayer ? this.callOwned(this.normLayer, z, kwargs) : z;
      h = this.callOwned(this.mlp, h, kwargs);
      if (this.scale) h = this.callOwned(this.scale, h, kwargs);
      if (this.drop) h = this.callOwned(this.drop, h, kwargs);
      return tf.add(z, h);
    });
  }
}
