/**
 * A `tf.io.IOHandler` that saves and loads tfjs layers models on the local
 * file system using only Node built-ins, so `@tensorflow/tfjs-node` (and its
 * native binary) is not needed.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** Bytes per element of each weight dtype. `string` is absent: its length varies. (Maps: dtypes come from files.) */
const DTYPE_BYTES: ReadonlyMap<string, number> = new Map([['float32', 4], ['int32', 4], ['bool', 1], ['complex64', 8]]);

/** Bytes per element of quantized weights, which are stored in the quantized dtype. */
const QUANTIZED_BYTES: ReadonlyMap<string, number> = new Map([['uint8', 1], ['uint16', 2], ['float16', 2]]);

/**
 * model.json's key for the SHA-256 (hex) of the weight bytes, all groups in manifest order. Written on save,
 * checked on load when present, so a flipped byte is an error instead of silently different weights; model.json
 * files without it (older saves, other tools) still load. A top-level key rather than userDefinedMetadata (which is
 * the user's and reaches the model) or a sidecar file (model.json stays the single commit point of a save).
 */
export const WEIGHTS_SHA256_KEY = 'weightsSha256';

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

  const modelJSON: tf.io.ModelJSON & { [WEIGHTS_SHA256_KEY]?: string } = {
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
  modelJSON[WEIGHTS_SHA256_KEY] = sha256(new Uint8Array(weightData));

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
  // Without a manifest tfjs would build the model with fresh random weights and report no error.
  if (!Object.hasOwn(parsed, 'weightsManifest')) {
    throw new ModelFileError(`${jsonPath} has no weightsManifest, so it holds no weights (loading it would give random weights)`, jsonPath);
  }
  const checksum = parsed[WEIGHTS_SHA256_KEY];
  if (checksum !== undefined && (typeof checksum !== 'string' || !/^[0-9a-f]{64}$/.test(checksum))) {
    throw new ModelFileError(`${jsonPath}: "${WEIGHTS_SHA256_KEY}" must be 64 lower-case hex digits, received ${JSON.stringify(checksum)}`, jsonPath);
  }
  const modelJSON = parsed as unknown as tf.io.ModelJSON;

  return tf.io.getModelArtifactsForJSON(modelJSON, (manifest) => loadWeights(manifest, jsonPath, checksum));
}

/** A directory means `<dir>/model.json`; anything else is taken to be the model.json file itself. */
export async function resolveModelJsonPath(dirOrFile: string): Promise<string> {
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
  checksum: string | undefined,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  checkManifest(manifest, jsonPath);
  const modelDir = path.dirname(jsonPath);
  // Real paths: a weights file that is a symlink (or inside a symlinked folder) pointing out of the model's
  // folder is refused as surely as "../" is.
  const realDir = await realpathOf(modelDir, jsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  const seenFiles = new Set<string>();

  for (const group of manifest) {
    const files = group.paths.map((p) => path.resolve(modelDir, p));
    const expected = expectedByteLength(group.weights)!; // checkManifest checked every dtype and shape
    let actual = 0;
    const reads: string[] = [];
    for (const file of files) {
      // Lexically first, so a hostile model.json cannot even probe which outside paths exist.
      if (!isInside(modelDir, file)) {
        throw new ModelFileError(`${jsonPath} lists weights file ${file}, which is outside the model's directory ${modelDir}`, jsonPath);
      }
      const real = await realpathOf(file, jsonPath);
      if (!isInside(realDir, real)) {
        const via = real === file ? '' : ` (through a link to ${real})`;
        throw new ModelFileError(`${jsonPath} lists weights file ${file}${via}, which is outside the model's directory ${realDir}`, jsonPath);
      }
      if (seenFiles.has(real)) throw new ModelFileError(`${jsonPath} lists weights file ${file} more than once`, jsonPath);
      seenFiles.add(real);
      const stats = await fs.stat(real);
      if (!stats.isFile()) throw new ModelFileError(`weights file ${file} listed in ${jsonPath} is not a regular file`, file);
      actual += stats.size;
      reads.push(file);
    }
    // Sizes are checked before reading, per group (each group's shards hold exactly its weights): a mismatch would
    // otherwise surface as garbage weights or an opaque RangeError deep inside tfjs, and a huge file is not read.
    if (expected !== actual) {
      const [first = jsonPath] = files;
      const subject = files.length === 1 ? `weights file ${first} has` : `weights files ${files.join(', ')} have`;
      throw new ModelFileError(
        `${subject} ${actual} bytes but the weight specs in ${jsonPath} need ${expected} bytes ` +
          `(${actual < expected ? 'truncated' : 'oversized'} or does not belong to this model.json)`,
        first,
      );
    }
    for (const file of reads) chunks.push(await readWeightsFile(file, jsonPath));
    specs.push(...group.weights);
  }

  const data = concat(chunks);
  if (checksum !== undefined && sha256(new Uint8Array(data)) !== checksum) {
    const files = manifest.flatMap((g) => g.paths.map((p) => path.resolve(modelDir, p)));
    throw new ModelFileError(
      `weights ${files.length === 1 ? `file ${files[0]} does` : `files ${files.join(', ')} do`} not match the SHA-256 recorded in ${jsonPath} ` +
        '(corrupted, or written by another save)',
      files[0] ?? jsonPath,
    );
  }
  return [specs, data];
}

/** Checks the manifest's structure: every weight named once, with a known dtype and a shape of safe integers. */
function checkManifest(manifest: unknown, jsonPath: string): asserts manifest is tf.io.WeightsManifestConfig {
  const bad = (what: string) => new ModelFileError(`${jsonPath} has an invalid weightsManifest: ${what}`, jsonPath);
  if (!Array.isArray(manifest) || manifest.length === 0) throw bad(`expected a non-empty array of { paths: string[], weights: [] }, received ${brief(manifest)}`);
  const names = new Set<string>();
  manifest.forEach((group: unknown, g) => {
    if (!isRecord(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) {
      throw bad(`weightsManifest[${g}] must be { paths: string[], weights: [] }, received ${brief(group)}`);
    }
    group['paths'].forEach((p: unknown, i) => {
      if (typeof p !== 'string' || p === '') throw bad(`weightsManifest[${g}].paths[${i}] must be a non-empty string, received ${brief(p)}`);
    });
    group['weights'].forEach((w: unknown, i) => {
      const at = `weightsManifest[${g}].weights[${i}]`;
      if (!isRecord(w) || typeof w['name'] !== 'string' || w['name'] === '') throw bad(`${at} must have a non-empty string "name", received ${brief(w)}`);
      const name = JSON.stringify(w['name']);
      if (names.has(w['name'])) throw bad(`${at} names the weight ${name}, which an earlier entry already names`);
      names.add(w['name']);
      const shape = w['shape'];
      if (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw bad(`${at} (${name}) must have a "shape" of non-negative integers, received ${brief(shape)}`);
      }
      const q = w['quantization'];
      const known = q == null ? DTYPE_BYTES.has(w['dtype'] as string) : isRecord(q) && QUANTIZED_BYTES.has(q['dtype'] as string);
      if (typeof w['dtype'] !== 'string' || !known) {
        const dtype = q == null ? w['dtype'] : isRecord(q) ? q['dtype'] : q;
        const list = q == null ? [...DTYPE_BYTES.keys()] : [...QUANTIZED_BYTES.keys()];
        throw bad(`${at} (${name}) has ${q == null ? 'dtype' : 'quantization dtype'} ${brief(dtype)}; expected one of ${list.join(', ')}`);
      }
    });
    if (expectedByteLength(group['weights'] as tf.io.WeightsManifestEntry[])! > Number.MAX_SAFE_INTEGER) {
      throw bad(`weightsManifest[${g}]'s shapes need more bytes than any file can hold`);
    }
  });
}

async function realpathOf(file: string, jsonPath: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch (error) {
    if (isNotFound(error)) {
      throw new ModelFileError(`weights file ${file} listed in ${jsonPath} not found`, file, { cause: error });
    }
    throw new ModelFileError(`Cannot read weights file ${file} listed in ${jsonPath}: ${errorMessage(error)}`, file, { cause: error });
  }
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A value for an error message, cut short. */
function brief(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
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
      spec.quantization != null ? QUANTIZED_BYTES.get(spec.quantization.dtype as string) : DTYPE_BYTES.get(spec.dtype);
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNotFound(error: unknown): boolean {
  return isRecord(error) && error['code'] === 'ENOENT';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
