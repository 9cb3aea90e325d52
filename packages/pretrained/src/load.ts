// Loading a shipped model synchronously (what createModel needs): the architecture built from its spec, the
// weights read from its folder, checked against the SHA-256 recorded in model.json and in the manifest, decoded
// exactly as stored (float16 → float32) and matched to the model's weights by name and shape.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { WEIGHTS_SHA256_KEY } from '@mlp-blocks/core/node';
import { buildModel } from '@mlp-blocks/core';
import type { PretrainedModel } from './manifest.js';

/** The decoded weights of a model folder (model.json + weights.bin), by name; the caller disposes them. */
export function readWeights(dir: string, expectedSha256?: string): tf.NamedTensorMap {
  const jsonPath = join(dir, 'model.json');
  let json: tf.io.ModelJSON & { [WEIGHTS_SHA256_KEY]?: string };
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`@mlp-blocks/pretrained: cannot read ${jsonPath}: ${(e as Error).message}`);
  }
  const groups = json.weightsManifest;
  if (!Array.isArray(groups) || groups.length !== 1 || groups[0]!.paths.length !== 1) {
    throw new Error(`${jsonPath}: expected one weights group in one file`);
  }
  const binPath = join(dir, groups[0]!.paths[0]!);
  const bytes = readFileSync(binPath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  for (const [where, want] of [[`${WEIGHTS_SHA256_KEY} in ${jsonPath}`, json[WEIGHTS_SHA256_KEY]], ['the manifest', expectedSha256]] as const) {
    if (want !== undefined && want !== sha) throw new Error(`${binPath} does not match the SHA-256 recorded in ${where} (${sha} instead of ${want}): the file is damaged`);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  try {
    return tf.io.decodeWeights(buffer, groups[0]!.weights);
  } catch (e) {
    throw new Error(`${binPath}: cannot decode its weights as ${jsonPath} describes them: ${(e as Error).message}`);
  }
}

/** The model of `entry`, built from its spec, with the weights of its folder `dir`. */
export function loadFromFolder(entry: PretrainedModel, dir: string): tfl.LayersModel {
  const named = readWeights(dir, entry.weights.sha256);
  let model: tfl.LayersModel | null = null;
  try {
    model = buildModel(entry.spec, { maxParams: Infinity });
    const names = model.weights.map((w) => w.originalName);
    const missing = names.filter((n) => !(n in named));
    const extra = Object.keys(named).filter((n) => !names.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(`${dir}: its weights do not fit ${entry.name}'s architecture (missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'})`);
    }
    const values = model.weights.map((w) => {
      const t = named[w.originalName]!;
      if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) throw new Error(`${dir}: weight ${w.originalName} has shape [${t.shape}], ${entry.name} needs [${w.shape}]`);
      return t;
    });
    model.setWeights(values);
    const done = model;
    model = null;
    return done;
  } finally {
    model?.dispose();
    tf.dispose(Object.values(named));
  }
}
