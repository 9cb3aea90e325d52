import * as tfl from '@tensorflow/tfjs-layers';
import { Dense, LayerNorm, PatchEmbedding, buildModel } from '@mlp-blocks/core';
import { GmlpBlock } from './gmlp-block.js';
import { TokenEmbedding } from './token-embedding.js';
import {
  type GmlpClassifierOptions, type GmlpSequenceOptions, type ResolvedClassifier, type ResolvedGmlp, type ResolvedSequence,
  classifierSpec, sequenceSpec,
} from './options.js';

/** Final-norm epsilon, as timm's gMLP (LayerNorm eps 1e-6 everywhere except the gate's). */
const NORM_EPSILON = 1e-6;

function blocks(n: ResolvedGmlp): tfl.layers.Layer[] {
  return Array.from({ length: n.depth }, (_, i) => new GmlpBlock({
    name: `block_${i + 1}`, channelMlpDim: n.channelMlpDim, seqLen: n.seqLen, causal: n.causal, activation: n.activation,
    gateActivation: n.gateActivation, tinyAttention: n.tinyAttention, attentionDim: n.attentionDim, dropPath: n.dropPath,
  }));
}

/**
 * stem (patch embedding, lecun-normal as timm) ▶ block_1 … block_depth ▶ norm ▶ pool (mean over tokens) ▶
 * head (zero-initialised, as timm). Input images [batch, height, width, channels]; output logits.
 */
export function buildClassifier(n: ResolvedClassifier): tfl.Sequential {
  const [h, w] = n.imageSize;
  return tfl.sequential({
    layers: [
      new PatchEmbedding({
        name: 'stem', patchSize: n.patchSize, embedDim: n.embedDim, kernelInitializer: 'lecunNormal', biasInitializer: 'zeros',
        inputShape: [h, w, n.inputChannels],
      }),
      ...blocks(n),
      new LayerNorm({ name: 'norm', epsilon: NORM_EPSILON }),
      tfl.layers.globalAveragePooling1d({ name: 'pool' }),
      new Dense({ name: 'head', units: n.numClasses, kernelInitializer: 'zeros', biasInitializer: 'zeros' }),
    ],
    ...(n.name ? { name: n.name } : {}),
  });
}

/**
 * embed (token embedding, normal std 0.02) ▶ block_1 … block_depth ▶ norm ▶ head (per token, zero-initialised). Input token ids
 * [batch, tokens]; output [batch, tokens, outputDim]. A causal model takes any length up to seqLen.
 */
export function buildSequenceModel(n: ResolvedSequence): tfl.Sequential {
  return tfl.sequential({
    layers: [
      new TokenEmbedding({ name: 'embed', vocabSize: n.vocabSize, embedDim: n.embedDim, inputShape: [n.causal ? null : n.seqLen] as never }),
      ...blocks(n),
      new LayerNorm({ name: 'norm', epsilon: NORM_EPSILON }),
      new Dense({ name: 'head', units: n.outputDim, kernelInitializer: 'zeros', biasInitializer: 'zeros' }),
    ],
    ...(n.name ? { name: n.name } : {}),
  });
}

/** Builds either network from resolved options (the family's builder). */
export function buildGmlp(n: ResolvedGmlp): tfl.Sequential {
  return n.kind === 'classifier' ? buildClassifier(n) : buildSequenceModel(n);
}

/**
 * gMLP image classifier (see GMLP_CLASSIFIER_OPTIONS), or a preset with overrides:
 * `gmlpClassifier({ preset: 'gmlp_ti16', numClasses: 10 })`. The same as core's
 * `buildModel({ model: 'gmlp', ...options })`.
 */
export function gmlpClassifier(options: GmlpClassifierOptions): tfl.Sequential {
  return buildModel(classifierSpec(options)) as tfl.Sequential;
}

/**
 * gMLP sequence model (see GMLP_SEQUENCE_OPTIONS), causal by default. The same as core's
 * `buildModel({ model: 'gmlp', kind: 'sequence', ...options })`.
 */
export function gmlpSequenceModel(options: GmlpSequenceOptions): tfl.Sequential {
  return buildModel(sequenceSpec(options)) as tfl.Sequential;
}
