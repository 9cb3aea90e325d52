import type * as tfl from '@tensorflow/tfjs-layers';
import { loadBlocksModel } from '../registry.js';
import { fileSystem } from './file-system.js';

export { fileSystem, ModelFileError } from './file-system.js';

/** Saves a model to a directory (model.json + weights.bin, written atomically). */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(fileSystem(dir));
}

/**
 * Loads a model saved by `saveModel` (or any tfjs layers model directory). A model that uses a block whose
 * package has not been imported fails with an error naming the package.
 */
export function loadModel(dir: string): Promise<tfl.LayersModel> {
  return loadBlocksModel(fileSystem(dir));
}
