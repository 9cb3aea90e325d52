import * as tf from '@tensorflow/tfjs-core';
import {
  Block, type BlockArgs, CLASS_PREFIX, type Kwargs, type LayerVariable, type OptionsInput, type OptionsOutput, type Shape,
  defineOptions, oneShape, oneTensor, option, resolveInitializer,
} from '@mlp-blocks/core';

/** The options of {@link TokenEmbedding}, each declared once (the sequence model composes them). */
export const TOKEN_EMBEDDING_OPTIONS = defineOptions({
  vocabSize: option.positiveInt('Number of token ids (ids run from 0 to vocabSize − 1).'),
  embedDim: option.positiveInt('Channels of each token.'),
  embeddingsInitializer: option.withDefault(option.initializer('The embedding table (normal, std 0.02).'), { name: 'normal', stddev: 0.02 }),
});
/** Names this block used before the one vocabulary (accepted until the next major release). */
export const TOKEN_EMBEDDING_RENAMES = { dim: 'embedDim' } as const;
/** The parsed options of a TokenEmbedding. */
export type TokenEmbeddingOptions = OptionsOutput<typeof TOKEN_EMBEDDING_OPTIONS.entries>;
/** Options of a TokenEmbedding (plus the tfjs layer arguments such as `name` and `inputShape`). */
export type TokenEmbeddingArgs = BlockArgs & (
  | OptionsInput<typeof TOKEN_EMBEDDING_OPTIONS.entries>
  | (Omit<OptionsInput<typeof TOKEN_EMBEDDING_OPTIONS.entries>, 'embedDim'> & {
    /** @deprecated Renamed `embedDim`; accepted until the next major release. */
    dim: number;
  })
);

/** The parsed options are the layer's properties. */
export interface TokenEmbedding extends Readonly<TokenEmbeddingOptions> {}

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
 * Token embedding: ids [batch, tokens] (integers, any numeric dtype) → [batch, tokens, embedDim]. Trains on every
 * backend, wasm included. Ids outside [0, vocabSize) are not checked (that would need a synchronous read).
 */
export class TokenEmbedding extends Block {
  static className = `${CLASS_PREFIX}TokenEmbedding`;
  static override packageName = '@mlp-blocks/gmlp';
  embeddings: LayerVariable | null = null;

  constructor(args: TokenEmbeddingArgs) {
    super(args);
    const o = this.parseOptions(TOKEN_EMBEDDING_OPTIONS, args, TOKEN_EMBEDDING_RENAMES);
    Object.assign(this, o);
    resolveInitializer(o.embeddingsInitializer, 1, this.blockName, 'embeddingsInitializer');
  }

  /** @deprecated Renamed `embedDim`. */
  get dim(): number {
    return this.embedDim;
  }

  override build(_inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight('embeddings', [this.vocabSize, this.embedDim], 'float32',
      resolveInitializer(this.embeddingsInitializer, this.vocabSize, this.blockName, 'embeddingsInitializer'));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...oneShape(this.blockName, inputShape), this.embedDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const ids = oneTensor(this.blockName, inputs);
      return embed(this.embeddings!.read() as tf.Tensor2D, ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'));
    });
  }
}
