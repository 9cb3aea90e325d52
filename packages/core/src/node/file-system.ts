/**
 * A `tf.io.IOHandler` that saves and loads tfjs layers models on the local
 * file system using only Node built-ins, so `@tensorflow/tfjs-node` (and its
 * native binary) is not needed.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** Bytes per element of each weight dtype. `string` is absent: its length varies. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
};

/** Bytes per element of quantized weights, which are stored in the quantized dtype. */
const QUANTIZED_BYTES: Readonly<Record<string, number>> = {
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** An error about a model file on disk; `file` is the absolute path it is about. */
export class ModelFileError extends Error {
  readonly file: string;

  constructor(message: string, file: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelFileError';
    this.file = file;
  }
}

/**
 * Save/load handler for a model directory holding `model.json` and
 * `weights.bin`, e.g. `model.save(fileSystem('out'))` and
 * `tf.loadLayersModel(fileSystem('out'))`. For loading, `dir` may also be the
 * path of a model.json file; its weights paths are resolved relative to it.
 */
export function fileSystem(dir: string): tf.io.IOHandler {
  return {
    save: (artifacts) => saveModel(path.resolve(dir), artifacts),
    load: () => loadModel(dir),
  };
}

async function saveModel(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology == null) {
    throw new Error(`Cannot save model to ${dir}: the model artifacts have no modelTopology`);
  }
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error(`Cannot save model to ${dir}: binary (GraphDef) topologies are not supported`);
  }
  const weightSpecs = artifacts.weightSpecs ?? [];
  const weightData =
    artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  // Refuse to write a model that this handler could not load back.
  const expected = expectedByteLength(weightSpecs);
  if (expected !== undefined && expected !== weightData.byteLength) {
    throw new Error(
      `Cannot save model to ${dir}: weight specs need ${expected} bytes but weight data has ${weightData.byteLength} bytes`,
    );
  }

  const modelJSON: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weightSpecs }],
  };
  if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) modelJSON.initializerSignature = artifacts.initializerSignature;

  await fs.mkdir(dir, { recursive: true });
  // Weights first, model.json last: model.json is the commit point, so a crash
  // mid-save leaves the previous model.json (or none), never one whose
  // weights file is half-written.
  await writeFileAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
  await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJSON));

  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/** Writes to a temp file in the same directory, then renames over `file` (rename is atomic within one file system). */
async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      // Flush before rename so a power loss cannot expose an empty or partial file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable; best effort, since not every platform can fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Ignored: durability of the rename is an extra, not a requirement.
  } finally {
    await handle?.close();
  }
}

async function loadModel(dirOrFile: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = await resolveModelJsonPath(dirOrFile);

  let text: string;
  try {
    text = await fs.readFile(jsonPath, 'utf8');
  } catch (error) {
    if (isNotFound(error)) {
      throw new ModelFileError(`Cannot load model: model.json not found: ${jsonPath}`, jsonPath, { cause: error });
    }
    throw new ModelFileError(`Cannot read ${jsonPath}: ${errorMessage(error)}`, jsonPath, { cause: error });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`${jsonPath} is not valid JSON: ${errorMessage(error)}`, jsonPath, { cause: error });
  }
  if (!isRecord(parsed) || parsed['modelTopology'] == null) {
    throw new ModelFileError(`${jsonPath} has no modelTopology, so it is not a TensorFlow.js model.json`, jsonPath);
  }
  const modelJSON = parsed as unknown as tf.io.ModelJSON;

  return tf.io.getModelArtifactsForJSON(modelJSON, (manifest) => loadWeights(manifest, jsonPath));
}

/** A directory means `<dir>/model.json`; anything else is taken to be the model.json file itself. */
async function resolveModelJsonPath(dirOrFile: string): Promise<string> {
  const abs = path.resolve(dirOrFile);
  try {
    const stats = await fs.stat(abs);
    return stats.isDirectory() ? path.join(abs, MODEL_JSON) : abs;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    // Report the path the caller most likely meant.
    return abs.endsWith('.json') ? abs : path.join(abs, MODEL_JSON);
  }
}

async function loadWeights(
  manifest: unknown,
  jsonPath: string,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  if (!isManifest(manifest)) {
    throw new ModelFileError(
      `${jsonPath} has an invalid weightsManifest: expected an array of { paths: string[], weights: [] }`,
      jsonPath,
    );
  }
  const modelDir = path.dirname(jsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];

  for (const group of manifest) {
    const files = group.paths.map((p) => path.resolve(modelDir, p));
    // A model.json may come from elsewhere: never let it make us read files outside its own directory.
    const outside = files.find((f) => path.relative(modelDir, f).startsWith('..') || path.isAbsolute(path.relative(modelDir, f)));
    if (outside) {
      throw new ModelFileError(`${jsonPath} lists weights file ${outside}, which is outside the model's directory ${modelDir}`, jsonPath);
    }
    let actual = 0;
    for (const file of files) {
      const bytes = await readWeightsFile(file, jsonPath);
      chunks.push(bytes);
      actual += bytes.byteLength;
    }
    // Check per group: each group's shards hold exactly that group's weights,
    // and a size mismatch would otherwise surface as garbage weights or an
    // opaque RangeError deep inside tfjs.
    const expected = expectedByteLength(group.weights);
    if (expected !== undefined && expected !== actual) {
      const [first = jsonPath] = files;
      const subject = files.length === 1 ? `weights file ${first} has` : `weights files ${files.join(', ')} have`;
      throw new ModelFileError(
        `${subject} ${actual} bytes but the weight specs in ${jsonPath} need ${expected} bytes ` +
          `(${actual < expected ? 'truncated' : 'oversized'} or does not belong to this model.json)`,
        first,
      );
    }
    specs.push(...group.weights);
  }

  return [specs, concat(chunks)];
}

async function readWeightsFile(file: string, jsonPath: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if (isNotFound(error)) {
      throw new ModelFileError(`weights file ${file} listed in ${jsonPath} not found`, file, { cause: error });
    }
    throw new ModelFileError(`Cannot read weights file ${file} listed in ${jsonPath}: ${errorMessage(error)}`, file, {
      cause: error,
    });
  }
}

/** Byte length the specs describe, or undefined when it cannot be known (string or unknown dtypes). */
function expectedByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const bytesPerElement =
      spec.quantization != null ? QUANTIZED_BYTES[spec.quantization.dtype] : DTYPE_BYTES[spec.dtype];
    if (bytesPerElement === undefined) return undefined;
    total += spec.shape.reduce((n, d) => n * d, 1) * bytesPerElement;
  }
  return total;
}

function concat(chunks: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

function isManifest(value: unknown): value is tf.io.WeightsManifestConfig {
  return (
    Array.isArray(value) &&
    value.every(
      (group: unknown) =>
        isRecord(group) &&
        Array.isArray(group['paths']) &&
        group['paths'].every((p: unknown) => typeof p === 'string') &&
        Array.isArray(group['weights']) &&
        group['weights'].every(
          (w: unknown) => isRecord(w) && Array.isArray(w['shape']) && typeof w['dtype'] === 'string',
        ),
    )
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNotFound(error: unknown): boolean {
  return isRecord(error) && error['code'] === 'ENOENT';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
