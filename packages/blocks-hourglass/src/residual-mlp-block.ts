import * as tf from '@tensorflow/tfjs-core';
import {
  type ActivationName, Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, Dense, DropPath, type InitializerSpec,
  type Kwargs, LayerScale, type NormKind, type Shape, ShapeError, createNorm, getActivation, lastDim, oneShape,
  oneTensor, validate,
} from '@mlp-blocks/core';

/** Options of a ResidualMlpBlock (plus the usual tfjs layer arguments such as `name` and `inputShape`). */
export interface ResidualMlpBlockArgs extends BlockArgs {
  /** Bottleneck (hourglass, hidden < width) or expansion (conventional, hidden > width) size. */
  hidden: number;
  /** Skip-path size; checked against the input when given, inferred from it otherwise. */
  width?: number;
  /** Pre-norm: 'batch' without affine (default, as in the authors' code), 'layer', 'rms', 'affine' or 'none'. */
  norm?: NormKind;
  /** Default 'relu'. */
  activation?: ActivationName;
  /** Biases on the two projections. Default false. */
  bias?: boolean;
  /** Stochastic-depth rate on the residual branch. Default 0. */
  dropPath?: number;
  /** Initial LayerScale on the residual branch, or 0 for none (default). */
  layerScale?: number;
  /** Default 'torchUniform' (PyTorch's nn.Linear default). */
  kernelInitializer?: InitializerSpec;
}

/**
 * The residual MLP block of "Rethinking the shape convention of an MLP": z + up(act(down(norm(z)))).
 * With hidden < width it is the hourglass (wide skip, narrow bottleneck); with hidden > width the
 * conventional inverted bottleneck. Works on [batch, width] and on token inputs [batch, n, width].
 */
export class ResidualMlpBlock extends Block {
  static className = `${CLASS_PREFIX}ResidualMlpBlock`;
  static override packageName = '@mlp-blocks/hourglass';
  readonly hidden: number;
  readonly width: number | null;
  readonly norm: NormKind;
  readonly activation: ActivationName;
  readonly bias: boolean;
  readonly dropPath: number;
  readonly layerScale: number;
  readonly kernelInitializer: InitializerSpec;
  private readonly normLayer: Block | null;
  private readonly down: Dense;
  private up: Dense | null = null;
  private readonly drop: DropPath | null;
  private readonly scale: LayerScale | null;

  constructor(args: ResidualMlpBlockArgs) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, ['hidden', 'width', 'norm', 'activation', 'bias', 'dropPath', 'layerScale', 'kernelInitializer']);
    this.hidden = validate.positiveInt(name, 'hidden', args.hidden);
    this.width = args.width === undefined || args.width === null ? null : validate.positiveInt(name, 'width', args.width);
    this.norm = args.norm ?? 'batch';
    this.activation = args.activation ?? 'relu';
    getActivation(this.activation, name);
    this.bias = validate.boolean(name, 'bias', args.bias ?? false);
    this.dropPath = validate.rate(name, 'dropPath', args.dropPath ?? 0);
    this.layerScale = args.layerScale === undefined || args.layerScale === 0 ? 0 : validate.positiveNumber(name, 'layerScale', args.layerScale);
    this.kernelInitializer = args.kernelInitializer ?? 'torchUniform';

    this.normLayer = createNorm(this.norm, 'norm', name);
    if (this.normLayer) this.own(this.normLayer);
    const dense = { useBias: this.bias, kernelInitializer: this.kernelInitializer };
    this.down = this.own(new Dense({ name: 'down', units: this.hidden, activation: this.activation, ...dense }));
    if (this.width !== null) this.up = this.own(new Dense({ name: 'up', units: this.width, ...dense }));
    this.drop = this.dropPath > 0 ? this.own(new DropPath({ name: 'drop_path', rate: this.dropPath })) : null;
    this.scale = this.layerScale > 0 ? this.own(new LayerScale({ name: 'layer_scale', init: this.layerScale })) : null;
  }

  /** 'hourglass' when the hidden layer is narrower than the skip path, else 'conventional'. */
  get shape(): 'hourglass' | 'conventional' | null {
    return this.width === null ? null : this.hidden < this.width ? 'hourglass' : 'conventional';
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const width = lastDim(this.blockName, shape);
    if (this.width !== null && this.width !== width) {
      throw new ShapeError(`${this.blockName}: configured width ${this.width} but the input's last axis is ${width}`);
    }
    if (!this.up) this.up = this.own(new Dense({ name: 'up', units: width, useBias: this.bias, kernelInitializer: this.kernelInitializer }));
    const hiddenShape = [...shape.slice(0, -1), this.hidden];
    if (this.normLayer) this.buildOwned(this.normLayer, shape);
    this.buildOwned(this.down, shape);
    this.buildOwned(this.up, hiddenShape);
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
      h = this.callOwned(this.up!, this.callOwned(this.down, h, kwargs), kwargs);
      if (this.scale) h = this.callOwned(this.scale, h, kwargs);
      if (this.drop) h = this.callOwned(this.drop, h, kwargs);
      return tf.add(z, h);
    });
  }

  protected blockConfig(): ConfigDict {
    const cfg: ConfigDict = {
      hidden: this.hidden,
      norm: this.norm,
      activation: this.activation,
      bias: this.bias,
      dropPath: this.dropPath,
      layerScale: this.layerScale,
      kernelInitializer: this.kernelInitializer as ConfigDict[string],
    };
    if (this.width !== null) cfg['width'] = this.width;
    return cfg;
  }
}
