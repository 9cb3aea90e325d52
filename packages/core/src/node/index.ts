import type * as tfl from '@tensorflow/tfjs-layers';
import { MissingBlockError, loadBlocksModel } from '../registry.js';
import { ModelFileError, fileSystem, resolveModelJsonPath } from './file-system.js';

export { fileSystem, ModelFileError, WEIGHTS_SHA256_KEY } from './file-system.js';

/** Saves a model to a directory (model.json + weights.bin, written atomically). */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(fileSystem(dir));
}

/**
 * Loads a model saved by `saveModel` (or any tfjs layers model directory). A model that uses a block whose
 * package has not been imported fails with an error naming the package (MissingBlockError); any other problem with
 * the files (missing or partial weights, weights of another model, a topology tfjs cannot read) is a
 * ModelFileError naming the file.
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  try {
    return await loadBlocksModel(fileSystem(dir));
  } catch (error) {
    if (error instanceof ModelFileError || error instanceof MissingBlockError) throw error;
    const jsonPath = await resolveModelJsonPath(dir).catch(() => dir);
    const message = error instanceof Error ? error.message.replace(/^loadBlocksModel: /, '') : String(error);
    throw new ModelFileError(`Cannot load the model in ${jsonPath}: ${message}`, jsonPath, { cause: error });
  }
}
