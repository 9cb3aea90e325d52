// The manifest of the shipped models (models/manifest.json): for each, its architecture, data, weights file and
// hash, the exact command that trained it and the scores its shipped weights get. Read once, checked on load.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A score of the shipped weights on the first `examples` examples of a split, at `batchSize`. */
export interface Score {
  split: 'test' | 'eval';
  examples: number;
  batchSize: number;
  /** `psnr` (dB; the mean of per-batch PSNRs, as the Hourglass paper) or `accuracy` (in [0, 1]). */
  metric: 'psnr' | 'accuracy';
  value: number;
  /** Mean loss: MSE for denoising, softmax cross-entropy for classification. */
  loss: number;
}

/** One shipped model. */
export interface PretrainedModel {
  /** The name `createModel(name, { pretrained: true })` and `loadPretrained(name)` take. */
  name: string;
  description: string;
  /** The architecture: a complete spec of a registered family (its inputs are that family's: flat vectors or images). */
  spec: { model: string } & Record<string, unknown>;
  /** What it was trained on, in the CLI's words (`--task`, `--dataset`, `--sigma`). */
  data: { task: 'denoise' | 'classify'; dataset: string; sigma?: number };
  /** One input example's shape: [784] (flat MNIST) for the hourglass models, [28, 28, 1] images for gMLP and Mixer. */
  inputShape: number[];
  params: { trainable: number; nonTrainable: number; total: number };
  /** The weights file (model.json's weightsManifest stores them as float16, loaded exactly as stored). */
  weights: { dtype: 'float16'; bytes: number; sha256: string };
  /** How it was trained: the exact command, and what that run reported (float32 weights, whole test split). */
  training: { command: string; epochs: number; seconds: number; evalMetric: number; testMetric: number; testLoss: number };
  /** The shipped weights' score on the first examples of the test split (what the package's test re-checks). */
  score: Score & { command: string };
  /** The shipped weights' score on the whole test split. */
  fullTest: Score;
}

/** The folder holding the models' files (one subfolder per model) and manifest.json. */
export const MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));

/** The manifest file. */
export const MANIFEST_FILE = `${MODELS_DIR}manifest.json`;

const NAME = /^[a-z][a-z0-9_]*$/;

/** Reads and checks the manifest; errors name the file and the field. */
export function readManifest(file = MANIFEST_FILE): PretrainedModel[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`@mlp-blocks/pretrained: cannot read ${file}: ${(e as Error).message}`);
  }
  const models = (raw as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) throw new Error(`${file}: "models" must be a list`);
  const seen = new Set<string>();
  return models.map((m: unknown, i) => {
    const at = (field: string) => `${file}: models[${i}].${field}`;
    const entry = m as PretrainedModel;
    if (typeof entry?.name !== 'string' || !NAME.test(entry.name)) throw new Error(`${at('name')} must be lower-case letters, digits or '_', received ${JSON.stringify(entry?.name)}`);
    if (seen.has(entry.name)) throw new Error(`${at('name')} repeats "${entry.name}"`);
    seen.add(entry.name);
    if (typeof entry.spec?.model !== 'string') throw new Error(`${at('spec')} must be a model spec with a "model"`);
    if (typeof entry.data?.task !== 'string' || typeof entry.data?.dataset !== 'string') throw new Error(`${at('data')} must be { task, dataset }`);
    if (!Array.isArray(entry.inputShape) || !entry.inputShape.every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error(`${at('inputShape')} must be a list of positive integers`);
    if (entry.weights?.dtype !== 'float16' || !/^[0-9a-f]{64}$/.test(String(entry.weights?.sha256))) throw new Error(`${at('weights')} must be { dtype: "float16", bytes, sha256 }`);
    if (typeof entry.score?.value !== 'number' || typeof entry.score?.examples !== 'number') throw new Error(`${at('score')} must have a numeric value and examples`);
    return entry;
  });
}
