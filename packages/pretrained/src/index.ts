import './register.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { getPretrained } from '@mlp-blocks/core';
import { loadModel } from '@mlp-blocks/core/node';
import { MODELS_DIR, type PretrainedModel, readManifest } from './manifest.js';

export type { PretrainedModel, Score } from './manifest.js';
export { readWeights } from './load.js';

const manifest = readManifest();

/** Every shipped model: architecture, data, weights hash, training command and scores, in manifest order. */
export function pretrainedModels(): readonly PretrainedModel[] {
  return manifest;
}

/** The manifest entry of `name`; an error listing the shipped names when there is none. */
export function pretrainedInfo(name: string): PretrainedModel {
  const found = manifest.find((m) => m.name === name);
  if (found) return found;
  getPretrained(name); // throws core's error, which lists every registered pretrained model
  throw new Error(`${name} is registered by another package than @mlp-blocks/pretrained`);
}

/** The folder of a shipped model's files (model.json + weights.bin, the format of `saveModel` from core/node). */
export function pretrainedDir(name: string): string {
  return `${MODELS_DIR}${pretrainedInfo(name).name}`;
}

/**
 * A shipped model loaded from its saved topology and weights with core's checked loader (`loadModel`): the same
 * weights as `createModel(name, { pretrained: true })`, which builds the architecture from the spec instead.
 */
export async function loadPretrained(name: string): Promise<tfl.LayersModel> {
  return loadModel(pretrainedDir(name));
}
