// CIFAR-10 / CIFAR-100 binary batches (Krizhevsky 2009): fixed-size records, no header. A CIFAR-10 record is
// one label byte then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32×32 row-major); a CIFAR-100
// record is a coarse label byte, a fine label byte, then the same 3072 pixel bytes.
import { DataFormatError } from '../errors.js';
import { checkLabels, imageSet, type ImageChunk, type ImageSet } from '../images.js';

/** The two CIFAR binary layouts. */
export type CifarVariant = 'cifar10' | 'cifar100';

const PIXELS = 3 * 32 * 32;

/** Record layout of each variant. */
export const CIFAR_LAYOUT: Record<CifarVariant, { labelBytes: number; record: number; classes: number }> = {
  cifar10: { labelBytes: 1, record: 1 + PIXELS, classes: 10 },
  cifar100: { labelBytes: 2, record: 2 + PIXELS, classes: 100 },
};

/** One parsed batch file: pixels stay in the file buffer. CIFAR-100 also carries its 20 coarse labels. */
export interface CifarBatch {
  readonly file: string;
  readonly chunk: ImageChunk;
  readonly labels: Uint16Array;
  readonly coarseLabels?: Uint16Array;
}

/** Parses one CIFAR binary batch, checking the record count and every label. */
export function parseCifarBatch(bytes: Uint8Array, file: string, variant: CifarVariant): CifarBatch {
  const { labelBytes, record, classes } = CIFAR_LAYOUT[variant];
  if (bytes.length === 0) throw new DataFormatError(file, 'truncated', 'the file is empty');
  if (bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new DataFormatError(file, 'truncated', `${bytes.length} bytes is not a whole number of ${record}-byte ${variant} records (${whole} records and ${bytes.length - whole * record} bytes)`);
  }
  const count = bytes.length / record;
  const labels = new Uint16Array(count);
  const coarse = labelBytes === 2 ? new Uint16Array(count) : undefined;
  for (let i = 0; i < count; i++) {
    labels[i] = bytes[i * record + labelBytes - 1]!;
    if (coarse) coarse[i] = bytes[i * record]!;
  }
  checkLabels(labels, classes, file);
  if (coarse) checkLabels(coarse, 20, file);
  return { file, chunk: { bytes, offset: labelBytes, stride: record, count }, labels, ...(coarse ? { coarseLabels: coarse } : {}) };
}

/** Joins parsed batches (e.g. data_batch_1…5) into one ImageSet of 32×32 RGB images without copying pixels. */
export function cifarImageSet(name: string, variant: CifarVariant, batches: readonly CifarBatch[]): ImageSet {
  const labels = new Uint16Array(batches.reduce((n, b) => n + b.labels.length, 0));
  let at = 0;
  for (const b of batches) {
    labels.set(b.labels, at);
    at += b.labels.length;
  }
  return imageSet({
    name, channels: 3, height: 32, width: 32, classes: CIFAR_LAYOUT[variant].classes,
    labels, chunks: batches.map((b) => b.chunk),
  });
}
