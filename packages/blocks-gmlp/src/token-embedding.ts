import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type ConfigDict, type InitializerSpec, type Kwargs, type LayerVariable, type Shape,
  oneShape, oneTensor, resolveInitializer, validate,
} from '@mlp-blocks/core';

/** Options of `TokenEmbedding` (plus the tfjs layer options such as `name`). */
export interface TokenEmbeddingArgs extends BlockArgs {
  /** Number of token ids (ids run from 0 to vocabSize − 1). */
  vocabSize: number;
  /** Channels of each token. */
  dim: number;
  /** Default `{name: 'normal', stddev: 0.02}`. */
  embeddingsInitializer?: InitializerSpec;
}

/**
 * Rows of the table for a tensor of ids: gather forward, and a gradient that scatters the upstream rows back
 * with scatterND (which sums repeated ids). tfjs's own gather gradient needs UnsortedSegmentSum, which the wasm
 * backend lacks, so tf.layers.embedding cannot train there.
 */
function embed(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const dim = table.shape[1];
  const rows = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([ids]);
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.scatterND(tf.reshape(saved[0]!, [-1, 1]), tf.reshape(dy as tf.Tensor, [-1, dim]), table.shape),
    };
  }) as unknown as (t: tf.Tensor) => tf.Tensor;
  return rows(table);
}

/**
 * Token embedding: ids [batch, tokens] (integers, any numeric dtype) → [batch, tokens, dim]. Trains on every
 * backend, wasm included. Ids outside [0, vocabSize) are not checked (that would need a synchronous read).
 */
export class TokenEmbedding extends Block {
  static className = `${CLASS_PREFIX}TokenEmbedding`;
  static override packageName = '@mlp-blocks/gmlp';
  readonly vocabSize: number;
  readonly dim: number;
  readonly embeddingsInitializer: InitializerSpec;
  embeddings: LayerVariable | null = null;

  constructor(args: TokenEmbeddingArgs) {
    super(args);
    const name = this.blockName;
    this.checkOptions(args, ['vocabSize', 'dim', 'embeddingsInitializer']);
    this.vocabSize = validate.positiveInt(name, 'vocabSize', args.vocabSize);
    this.dim = validate.positiveInt(name, 'dim', args.dim);
    this.embeddingsInitializer = args.embeddingsInitializer ?? { name: 'normal', stddev: 0.02 };
    resolveInitializer(this.embeddingsInitializer, 1, name, 'embeddingsInitializer');
  }

  override build(_inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight('embeddings', [this.vocabSize, this.dim], 'float32',
      resolveInitializer(this.embeddingsInitializer, this.vocabSize, this.blockName, 'embeddingsInitializer'));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...oneShape(this.blockName, inputShape), this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const ids = oneTensor(this.blockName, inputs);
      return embed(this.embeddings!.read() as tf.Tensor2D, ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'));
    });
  }

  protected override blockConfig(): ConfigDict {
    return { vocabSize: this.vocabSize, dim: this.dim, embeddingsInitializer: this.embeddingsInitializer as ConfigDict[string] };
  }
}
