import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DatasetUnavailableError, DataFormatError } from './errors.js';
import { CIFAR_LAYOUT, parseCifarBatch, type CifarVariant } from './formats/cifar.js';
import { isGzip } from './formats/gzip.js';
import { inflateCap, tooLarge, type ReadLimits } from './formats/limits.js';
import { checkLabels } from './images.js';
import { parseIdx } from './formats/idx.js';
import { readNpz } from './formats/npz.js';
import { readTarMembers } from './formats/tar.js';
import { CIFAR_FILES, datasetId, FACTS, FASHION_FILES, MNIST_RAW, type DatasetId } from './sources/catalog.js';
import { datasetCacheDir } from './sources/cache.js';
import { ensureFiles, type FileSpec, type SourceOptions } from './sources/ensure.js';
import { sha256File } from './sources/hash.js';
import { loadImages, mnistDataDir, mnistFiles } from './sources/load.js';

/** What a named data set holds (`kind: "dataset"`). */
export interface DatasetInfo {
  readonly kind: 'dataset';
  readonly name: DatasetId;
  readonly title: string;
  /** Images in the official training and test sets (counted from the files when present). */
  readonly train: number;
  readonly test: number;
  /** Sizes of the default train / eval / test splits. */
  readonly splits: { readonly train: number; readonly eval: number; readonly test: number };
  /** Per-image shape [H, W, C]. */
  readonly shape: number[];
  readonly classes: number;
  /** SHA-256 of each file, by file name: verified when `present`, else the published value to expect. */
  readonly sha256: Record<string, string>;
  /** Whether the files are on disk (and verified). */
  readonly present: boolean;
  /** Where the files are (or are expected). */
  readonly location: string | null;
  readonly source: string;
}

/** What a single data file holds (`kind: "file"`). */
export interface FileInfo {
  readonly kind: 'file';
  readonly name: string;
  readonly path: string;
  readonly format: 'idx' | 'idx.gz' | 'cifar10' | 'cifar100' | 'npz' | 'tar';
  /** Examples in the file, reported under `train` or `test` by what its name says it is (t10k/test/val: test). */
  readonly train: number | null;
  readonly test: number | null;
  readonly count: number;
  /** Per-example shape (images: [H, W, C]; IDX arrays: the dimensions after the first). */
  readonly shape: number[];
  readonly sha256: string;
  readonly bytes: number;
  /** npz arrays or tar members, when the file holds several. */
  readonly contents?: Record<string, { shape: number[]; descr?: string }>;
}

/**
 * Describes a named data set ("mnist", "cifar10", …) or a data file (IDX raw or .gz, CIFAR .bin batch, npz,
 * CIFAR tar archive). Never downloads and never changes the cache: a damaged file fails with the reader's
 * DataFormatError or a ChecksumError, and is left as it is. Labels are range-checked as the loaders check them.
 */
export async function inspectDataset(nameOrFile: string, options: SourceOptions = {}): Promise<DatasetInfo | FileInfo> {
  const id = datasetId(nameOrFile);
  if (id) return inspectNamed(id, { ...options, download: false });
  return inspectFile(nameOrFile, options);
}

async function inspectNamed(id: DatasetId, options: SourceOptions): Promise<DatasetInfo> {
  const facts = FACTS[id];
  const base = {
    kind: 'dataset' as const, name: id, title: facts.title, shape: [...facts.shape], classes: facts.classes, source: facts.source,
  };
  const info = (train: number, test: number, sha256: Record<string, string>, present: boolean, location: string | null): DatasetInfo => {
    const carved = facts.evalFrom === 'train' ? train : test;
    const evalSize = Math.min(facts.evalSize, carved);
    const splits = facts.evalFrom === 'train'
      ? { train: train - evalSize, eval: evalSize, test }
      : { train, eval: evalSize, test: test - evalSize };
    return { ...base, train, test, splits, sha256, present, location };
  };
  const published = (specs: FileSpec[]) => Object.fromEntries(specs.map((s) => [s.name, s.sha256]));
  if (id === 'imagenet32') {
    const dir = options.dir ?? process.env['MLP_BLOCKS_IMAGENET32'];
    if (!dir) return info(facts.train, facts.test, {}, false, null);
    const [train, test] = await Promise.all([loadImages(id, 'train', options), loadImages(id, 'test', options)]);
    return info(train.count, test.count, {}, true, dir);
  }
  const specs = id === 'mnist' ? Object.values(MNIST_RAW) : id === 'fashion-mnist' ? Object.values(FASHION_FILES) : [CIFAR_FILES[id].archive];
  const location = id === 'mnist' ? options.dir ?? mnistDataDir() : options.dir ?? datasetCacheDir(id, options.cacheDir);
  try {
    const sha256: Record<string, string> = {};
    if (id === 'mnist') {
      for (const part of ['train', 'test'] as const) {
        const f = await mnistFiles(part, options);
        for (const p of [f.images, f.labels]) sha256[basename(p)] = await sha256File(p);
      }
    } else {
      for (const [name, path] of await ensureFiles(id, specs, options)) sha256[name] = await sha256File(path);
    }
    const [train, test] = await Promise.all([loadImages(id, 'train', options), loadImages(id, 'test', options)]);
    return info(train.count, test.count, sha256, true, location);
  } catch (err) {
    if (!(err instanceof DatasetUnavailableError)) throw err;
    return info(facts.train, facts.test, published(specs), false, location);
  }
}

async function inspectFile(path: string, limits: ReadLimits): Promise<FileInfo> {
  const s = await stat(path).catch(() => null);
  if (!s || !s.isFile()) {
    throw new DataFormatError(path, 'unsupported', `neither a data set name (${Object.keys(FACTS).join(', ')}) nor a readable file`);
  }
  const name = basename(path);
  const sha256 = await sha256File(path);
  const common = { kind: 'file' as const, name, path, sha256, bytes: s.size };
  const role = (count: number) => (/t10k|test|val/i.test(name) ? { train: null, test: count } : { train: count, test: null });
  const head = await readHead(path, 4);

  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    const arrays = await readNpz(path, undefined, path, limits);
    const contents = Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, { shape: [...a.shape], descr: a.descr }]));
    const data = arrays['data'];
    if (!data || data.shape.length === 0) {
      const found = Object.keys(arrays).map((k) => `"${k}"`).join(', ') || 'none';
      throw new DataFormatError(path, 'missing-entry', data ? 'the "data" array is a scalar, not one row per example' : `no array "data" holding the examples (found ${found})`);
    }
    const count = data.shape[0]!;
    const perExample = data.shape.length === 2 && data.shape[1] === 3072 ? [32, 32, 3] : [...data.shape.slice(1)];
    return { ...common, format: 'npz', ...role(count), count, shape: perExample, contents };
  }
  if (/\.(tar\.gz|tgz|tar)$/i.test(name)) {
    const variant: CifarVariant = /100/.test(name) ? 'cifar100' : 'cifar10';
    const members = variant === 'cifar100' ? CIFAR_FILES.cifar100 : CIFAR_FILES.cifar10;
    const all = [...members.train, ...members.test];
    const found = await readTarMembers(path, all, path, limits);
    const contents: Record<string, { shape: number[] }> = {};
    let train = 0;
    let test = 0;
    for (const m of all) {
      const batch = parseCifarBatch(found.get(m)!, `${path}:${m}`, variant);
      contents[m] = { shape: [batch.labels.length, 32, 32, 3] };
      if (members.test.includes(m)) test += batch.labels.length;
      else train += batch.labels.length;
    }
    return { ...common, format: 'tar', train, test, count: train + test, shape: [32, 32, 3], contents };
  }
  const cap = inflateCap(limits);
  if (s.size > cap) throw tooLarge(path, `the file holds ${s.size} bytes`, cap);
  const bytes = await readFile(path);
  if (isGzip(bytes) || (bytes[0] === 0 && bytes[1] === 0)) {
    const idx = parseIdx(bytes, path, limits);
    // A label file is read by the loaders as uint8 [N] with 10 classes: inspect holds it to the same rule.
    if (idx.type === 'uint8' && idx.dims.length === 1) checkLabels(idx.data, 10, path);
    const count = idx.dims[0]!;
    const shape = idx.dims.length === 3 ? [idx.dims[1]!, idx.dims[2]!, 1] : [...idx.dims.slice(1)];
    return { ...common, format: isGzip(bytes) ? 'idx.gz' : 'idx', ...role(count), count, shape };
  }
  if (/\.bin$/i.test(name)) {
    const fits = (v: CifarVariant) => bytes.length % CIFAR_LAYOUT[v].record === 0;
    const variant: CifarVariant = fits('cifar100') && (/^(train|test)\.bin$/i.test(name) || !fits('cifar10')) ? 'cifar100' : 'cifar10';
    const batch = parseCifarBatch(bytes, path, variant);
    return { ...common, format: variant, ...role(batch.labels.length), count: batch.labels.length, shape: [32, 32, 3] };
  }
  throw new DataFormatError(path, 'unsupported', 'not an IDX (raw or .gz), CIFAR binary (.bin), npz or CIFAR tar archive file');
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
