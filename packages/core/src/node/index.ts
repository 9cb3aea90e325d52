import type * as tfl from '@tensorflow/tfjs-layers';
import { loadBlocksModel } from '../registry.js';
import { fileSystem } from './file-system.js';
import { loadError } from './file-url.js';
import './register.js';

export { fileSystem, ModelFileError, WEIGHTS_SHA256_KEY } from './file-system.js';
export { FILE_URL_SCHEME, fileUrlHandler, registerFileUrlRouter } from './file-url.js';

/** Saves a model to a directory (model.json + weights.bin, written atomically); the same as `model.save('file://' + dir)`. */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(fileSystem(dir));
}

/**
 * Loads a model saved by `saveModel` (or any tfjs layers model directory). A model that uses a block whose
 * package has not been imported fails with an error naming the package (MissingBlockError); any other problem with
 * the files (missing or partial weights, weights of another model, a topology tfjs cannot read) is a
 * ModelFileError naming the file. `tf.loadLayersModel('file://' + dir)` runs the same checks.
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  try {
    return await loadBlocksModel(fileSystem(dir));
  } catch (error) {
    throw await loadError(error, dir);
  }
}
