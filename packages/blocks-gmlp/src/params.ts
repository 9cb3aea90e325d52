import { ConfigError, type ParamCounts, parseSpec, specParams } from '@mlp-blocks/core';
import {
  type GmlpClassifierOptions, type GmlpSequenceOptions, type ResolvedGmlp, resolveClassifier, resolveSequence,
} from './options.js';

/**
 * Parameters of one gMLP block on n tokens of d channels with channel-MLP width f (all trainable):
 * LN 2d + U (d·f + f) + gate LN f + spatial (n² + n) + V (f/2·d + d)
 * [+ tiny attention: qkv d·3a + 3a, out a·f/2 + f/2].
 */
export function blockParams(d: number, f: number, n: number, attentionDim: number | null): number {
  const attention = attentionDim === null ? 0 : d * 3 * attentionDim + 3 * attentionDim + attentionDim * (f / 2) + f / 2;
  return 2 * d + d * f + f + f + n * n + n + (f / 2) * d + d + attention;
}

/** Closed-form counts of resolved options, equal to `countParams` of the built model (nothing is frozen). */
export function networkParams(n: ResolvedGmlp): ParamCounts {
  const d = n.embedDim;
  const stem = n.kind === 'classifier' ? n.patchSize[0] * n.patchSize[1] * n.inputChannels * d + d : n.vocabSize * d;
  const outputs = n.kind === 'classifier' ? n.numClasses : n.outputDim;
  const trainable = stem
    + n.depth * blockParams(d, n.channelMlpDim, n.seqLen, n.tinyAttention ? n.attentionDim : null)
    + 2 * d // final LayerNorm
    + d * outputs + outputs;
  return { trainable, nonTrainable: 0, total: trainable };
}

/** Closed-form counts of `gmlpClassifier(options)` (a preset included), without building it. */
export function classifierParams(options: GmlpClassifierOptions): ParamCounts {
  return networkParams(resolveClassifier(options));
}

/** Closed-form counts of `gmlpSequenceModel(options)`, without building it. */
export function sequenceParams(options: GmlpSequenceOptions): ParamCounts {
  return networkParams(resolveSequence(options));
}

/**
 * Closed-form counts of a JSON spec (text or object), e.g. `{"model":"gmlp","preset":"gmlp_ti16"}`, without
 * allocating any weights.
 * @deprecated Use `specParams` from @mlp-blocks/core, which counts a spec of any registered family.
 */
export function countParams(spec: string | ({ model: string } & Record<string, unknown>)): ParamCounts {
  const parsed = parseSpec(spec);
  if (!('model' in parsed)) throw new ConfigError('countParams', 'model', 'a model spec', (parsed as Record<string, unknown>)['model']);
  return specParams(parsed as { model: string } & Record<string, unknown>);
}
