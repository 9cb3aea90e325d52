import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type FamilyDescriptor, type ModelSpec, buildModel as buildFamilyModel, familyOf, type SizeOptions } from '@mlp-blocks/core';

/** Keys the CLI adds to an image model's spec for its input adapter; the family never sees them. */
const ADAPTER_KEYS = ['inputDim', 'inputLayout'] as const;

/** True when the spec's family takes images. */
export function isImageModel(spec: ModelSpec): boolean {
  return familyOf(spec).inputKind === 'image';
}

/** True when the spec gives `option`, under its name or an old name the family still accepts. */
function gives(spec: ModelSpec, family: FamilyDescriptor, option: string): boolean {
  if (spec[option] !== undefined) return true;
  return Object.entries(family.renames ?? {}).some(([old, now]) => now === option && spec[old] !== undefined);
}

/**
 * Completes an image model's spec from the data: `imageSize`, `inputChannels` and `numClasses` (the option names
 * every image family uses; unless the spec set them), plus `inputDim` and `inputLayout` for the adapter.
 */
export function fillImageSpec(
  spec: ModelSpec, family: FamilyDescriptor, inputDim: number, numClasses: number, imageShape: [number, number, number] | undefined, layout: 'chw' | 'hwc',
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
  const out: ModelSpec = { ...spec, inputDim, inputLayout: layout };
  if (!gives(spec, family, 'imageSize')) out['imageSize'] = [h, w];
  if (!gives(spec, family, 'inputChannels')) out['inputChannels'] = c;
  if (!gives(spec, family, 'numClasses')) out['numClasses'] = numClasses;
  return out;
}

/** The spec the family itself accepts: an image model's adapter keys removed, any other spec as is. */
export function builderSpec(spec: ModelSpec): ModelSpec {
  if (!isImageModel(spec)) return spec;
  const out: ModelSpec = { ...spec };
  for (const k of ADAPTER_KEYS) delete out[k];
  return out;
}

/** The channel count an image spec ends up with (its own, an old name's, or its preset's). */
function channelsOf(spec: ModelSpec): number {
  const { family, options } = familyOf(spec);
  if (typeof options['inputChannels'] === 'number') return options['inputChannels'];
  const old = Object.entries(family.renames ?? {}).find(([o, now]) => now === 'inputChannels' && typeof options[o] === 'number');
  return old ? (options[old[0]] as number) : 3;
}

/**
 * Builds a spec's model. An image model with `inputDim` gets a flat input: reshape to the stored layout,
 * then (CHW data with more than one channel) a permute to the channel-last images the model takes.
 */
export function buildModel(spec: ModelSpec, size: SizeOptions = {}): tfl.LayersModel {
  if (!isImageModel(spec) || spec['inputDim'] === undefined) return buildFamilyModel(builderSpec(spec), size);
  const inner = buildFamilyModel(builderSpec(spec), size);
  const [h, w] = spec['imageSize'] as [number, number];
  const c = channelsOf(spec);
  const chw = spec['inputLayout'] !== 'hwc' && c > 1;
  const input = tfl.input({ shape: [spec['inputDim'] as number], name: 'pixels' });
  let images = tfl.layers.reshape({ name: 'to_image', targetShape: chw ? [c, h, w] : [h, w, c] }).apply(input) as tfl.SymbolicTensor;
  if (chw) images = tfl.layers.permute({ name: 'to_channel_last', dims: [2, 3, 1] }).apply(images) as tfl.SymbolicTensor;
  const output = inner.apply(images) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: inner.name });
}
