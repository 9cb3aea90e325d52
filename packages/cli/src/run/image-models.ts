import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type ModelSpec, buildFromSpec } from '@mlp-blocks/core';

/**
 * Model families that take images [height, width, channels] rather than flat vectors, and the name each
 * gives its channel-count option. The CLI's data sets hand out flattened images; these models get an
 * input adapter (reshape, and channel-last permute for CHW data) in front.
 */
const IMAGE_MODELS: Record<string, { channels: string }> = {
  gmlp: { channels: 'channels' },
  mixer: { channels: 'inputChannels' },
  resmlp: { channels: 'inputChannels' },
};

/** Keys the train package adds to an image model's spec; the model builder never sees them. */
const ADAPTER_KEYS = ['inputDim', 'inputLayout'] as const;

/** True when the spec's family takes images. */
export function isImageModel(spec: ModelSpec): boolean {
  return Object.hasOwn(IMAGE_MODELS, spec.model);
}

/**
 * Completes an image model's spec from the data: image size, channels and class count (unless the spec set
 * them), plus `inputDim` and `inputLayout` for the adapter.
 */
export function fillImageSpec(
  spec: ModelSpec, inputDim: number, numClasses: number, imageShape: [number, number, number] | undefined, layout: 'chw' | 'hwc',
): ModelSpec {
  if (!imageShape) {
    throw new ConfigError('train', '--model', 'a flat model for a data set without an image shape', spec.model,
      `--model: ${spec.model} takes images, but this data set has no image shape; use a flat model (hourglass, conventional)`);
  }
  const [h, w, c] = imageShape;
  if (h * w * c !== inputDim) {
    throw new ConfigError('train', '--model', `images of ${h}×${w}×${c} = ${h * w * c} values`, inputDim,
      `--model: the data's image shape ${h}×${w}×${c} does not match its ${inputDim} input values`);
  }
  const channelKey = IMAGE_MODELS[spec.model]!.channels;
  const out: ModelSpec = { ...spec, inputDim, inputLayout: layout };
  if (out['imageSize'] === undefined) out['imageSize'] = [h, w];
  if (out[channelKey] === undefined) out[channelKey] = c;
  if (out['numClasses'] === undefined) out['numClasses'] = numClasses;
  return out;
}

/** The spec the model package itself accepts: an image model's adapter keys removed, any other spec as is. */
export function builderSpec(spec: ModelSpec): ModelSpec {
  if (!isImageModel(spec)) return spec;
  const out: ModelSpec = { ...spec };
  for (const k of ADAPTER_KEYS) delete out[k];
  return out;
}

/**
 * Builds a spec's model. An image model with `inputDim` gets a flat input: reshape to the stored layout,
 * then (CHW data with more than one channel) a permute to the channel-last images the model takes.
 */
export function buildModel(spec: ModelSpec): tfl.LayersModel {
  if (!isImageModel(spec) || spec['inputDim'] === undefined) return buildFromSpec(builderSpec(spec)) as tfl.LayersModel;
  const inner = buildFromSpec(builderSpec(spec)) as tfl.LayersModel;
  const [h, w] = spec['imageSize'] as [number, number];
  const c = spec[IMAGE_MODELS[spec.model]!.channels] as number;
  const chw = spec['inputLayout'] !== 'hwc' && c > 1;
  const input = tfl.input({ shape: [spec['inputDim'] as number], name: 'pixels' });
  let images = tfl.layers.reshape({ name: 'to_image', targetShape: chw ? [c, h, w] : [h, w, c] }).apply(input) as tfl.SymbolicTensor;
  if (chw) images = tfl.layers.permute({ name: 'to_channel_last', dims: [2, 3, 1] }).apply(images) as tfl.SymbolicTensor;
  const output = inner.apply(images) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: inner.name });
}
