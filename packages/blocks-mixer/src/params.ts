import { ConfigError, type ParamCounts, parseSpec, specParams } from '@mlp-blocks/core';
import {
  type MixerClassifierOptions, type ResMlpClassifierOptions, type ResolvedClassifier, type ResolvedForecaster, type TsMixerForecasterOptions, builderSpec,
} from './options.js';

const counts = (trainable: number, nonTrainable = 0): ParamCounts => ({ trainable, nonTrainable, total: trainable + nonTrainable });

/** A linear map with bias. */
const linear = (inDim: number, outDim: number) => inDim * outDim + outDim;

/**
 * Closed-form counts, equal to the built model's. With C channels, n tokens, D_S / D_C hidden widths:
 * stem ph·pw·c_in·C + C; per Mixer block 2·2C (norms) + n·D_S + D_S + D_S·n + n + C·D_C + D_C + D_C·C + C
 * [+ 2C LayerScale]; per ResMLP block 2·2C (affine) + n·n + n + 2C (LayerScale) + the same channel MLP;
 * final norm 2C; head C·K + K. Everything is trainable.
 */
export function classifierParams(r: ResolvedClassifier): ParamCounts {
  const c = r.embedDim;
  const n = r.seqLen;
  const channelMlp = linear(c, r.channelMlpDim) + linear(r.channelMlpDim, c);
  const block = r.kind === 'mixer'
    ? 4 * c + linear(n, r.tokenMlpDim) + linear(r.tokenMlpDim, n) + channelMlp + (r.layerScale > 0 ? 2 * c : 0)
    : 4 * c + linear(n, n) + 2 * c + channelMlp;
  const stem = linear(r.patchSize[0] * r.patchSize[1] * r.inputChannels, c);
  return counts(stem + r.depth * block + 2 * c + linear(c, r.numClasses));
}

/**
 * Per TSMixer block: T·T + T (time mixing) + C·F + F + F·C + C (feature mixing, F = channelMlpDim) + per norm over
 * the T·C window 2·T·C (batch: γ, β trainable and running mean, variance non-trainable; layer: γ, β); head T·H + H.
 */
export function forecasterParams(r: ResolvedForecaster): ParamCounts {
  const window = r.seqLen * r.features;
  const norms = r.norm === 'none' ? 0 : 2 * (2 * window);
  const trainable = r.depth * (linear(r.seqLen, r.seqLen) + linear(r.features, r.channelMlpDim) + linear(r.channelMlpDim, r.features) + norms)
    + linear(r.seqLen, r.horizon);
  return counts(trainable, r.norm === 'batch' ? r.depth * 2 * (2 * window) : 0);
}

/** Closed-form parameter counts of `mixerClassifier(options)` (a preset included), without building it. */
export function mixerParams(options: MixerClassifierOptions): ParamCounts {
  return specParams(builderSpec('mixer', options));
}

/** Closed-form parameter counts of `resMlpClassifier(options)` (a preset included), without building it. */
export function resMlpParams(options: ResMlpClassifierOptions): ParamCounts {
  return specParams(builderSpec('resmlp', options));
}

/** Closed-form parameter counts of `tsMixerForecaster(options)`, without building it. */
export function tsMixerParams(options: TsMixerForecasterOptions): ParamCounts {
  return specParams(builderSpec('tsmixer', options));
}

/**
 * Closed-form counts of a JSON spec (text or object), e.g. `{"model":"mixer","preset":"mixer_s16"}`, without
 * allocating any weights.
 * @deprecated Use `specParams` from @mlp-blocks/core, which counts a spec of any registered family.
 */
export function countParams(spec: string | ({ model: string } & Record<string, unknown>)): ParamCounts {
  const parsed = parseSpec(spec);
  if (!('model' in parsed)) throw new ConfigError('countParams', 'model', 'a model spec', (parsed as Record<string, unknown>)['model']);
  return specParams(parsed as { model: string } & Record<string, unknown>);
}
