import { DataFormatError } from '../errors.js';
import { checkLabels, imageSet, type ImageSet } from '../images.js';
import { parseIdx } from './idx.js';
import type { ReadLimits } from './limits.js';

/** One IDX file's bytes and the name to use for it in errors. */
export interface NamedBytes {
  readonly file: string;
  readonly bytes: Uint8Array;
}

/**
 * Reads an IDX image file ([N, H, W] uint8) and its IDX label file ([N] uint8, each below `classes`) into an
 * ImageSet. The pixels stay in the (inflated) file buffer.
 */
export function idxImageSet(name: string, images: NamedBytes, labels: NamedBytes, classes = 10, limits?: ReadLimits): ImageSet {
  const img = parseIdx(images.bytes, images.file, limits);
  if (img.type !== 'uint8' || img.dims.length !== 3) {
    throw new DataFormatError(images.file, 'dimension-mismatch', `expected uint8 images of dimensions [N, H, W], found ${img.type} [${img.dims.join(', ')}]`);
  }
  const lab = parseIdx(labels.bytes, labels.file, limits);
  if (lab.type !== 'uint8' || lab.dims.length !== 1) {
    throw new DataFormatError(labels.file, 'dimension-mismatch', `expected uint8 labels of dimensions [N], found ${lab.type} [${lab.dims.join(', ')}]`);
  }
  const [n, h, w] = img.dims as [number, number, number];
  if (lab.dims[0] !== n) {
    throw new DataFormatError(labels.file, 'label-count', `${lab.dims[0]} labels for the ${n} images of ${images.file}`);
  }
  checkLabels(lab.data, classes, labels.file);
  const bytes = img.data as Uint8Array;
  return imageSet({
    name, channels: 1, height: h, width: w, classes,
    labels: Uint16Array.from(lab.data),
    chunks: [{ bytes, offset: 0, stride: h * w, count: n }],
  });
}
