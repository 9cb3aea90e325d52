import { DataFormatError } from './errors.js';

/** A run of equally spaced uint8 images inside one buffer (a file's bytes: images are never copied). */
export interface ImageChunk {
  readonly bytes: Uint8Array;
  /** Byte offset of the first image's first pixel. */
  readonly offset: number;
  /** Bytes from one image to the next (larger than the image for CIFAR records, which carry labels). */
  readonly stride: number;
  readonly count: number;
}

/**
 * Labelled uint8 images held as the files hold them. Pixels of image i come back as a view in CHW order
 * (channel planes; for one channel that is plain row-major HW).
 */
export interface ImageSet {
  readonly name: string;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Number of classes; every label is in [0, classes). */
  readonly classes: number;
  readonly labels: Uint16Array;
  /** The uint8 pixels of image i, CHW, length channels·height·width. A view: do not write to it. */
  pixels(i: number): Uint8Array;
}

/** Dimensions and labels of an image set, as `imageSet` takes them. */
export interface ImageSetInit {
  name: string;
  channels: number;
  height: number;
  width: number;
  classes: number;
  labels: Uint16Array;
  chunks: readonly ImageChunk[];
}

/** Builds an ImageSet over one or more chunks; the labels must match the total image count. */
export function imageSet(init: ImageSetInit): ImageSet {
  const size = init.channels * init.height * init.width;
  const starts: number[] = [];
  let count = 0;
  for (const c of init.chunks) {
    if (c.stride < size || c.offset + (c.count - 1) * c.stride + size > c.bytes.length) {
      throw new RangeError(`${init.name}: an image chunk does not fit its buffer`);
    }
    starts.push(count);
    count += c.count;
  }
  if (init.labels.length !== count) {
    throw new DataFormatError(init.name, 'label-count', `${init.labels.length} labels for ${count} images`);
  }
  const chunks = init.chunks;
  const single = chunks.length === 1 ? chunks[0]! : null;
  return {
    name: init.name,
    count,
    channels: init.channels,
    height: init.height,
    width: init.width,
    classes: init.classes,
    labels: init.labels,
    pixels(i: number): Uint8Array {
      if (!(i >= 0 && i < count)) throw new RangeError(`${init.name}: image index ${i} outside [0, ${count})`);
      let chunk = single;
      let local = i;
      if (!chunk) {
        // Binary search for the last chunk starting at or before i.
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid]! <= i) lo = mid;
          else hi = mid - 1;
        }
        chunk = chunks[lo]!;
        local = i - starts[lo]!;
      }
      const at = chunk.offset + local * chunk.stride;
      return chunk.bytes.subarray(at, at + size);
    },
  };
}

/** Checks that every label is below `classes`, naming the file and the first bad label. */
export function checkLabels(labels: ArrayLike<number>, classes: number, file: string, base = 0): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]! - base;
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new DataFormatError(file, 'label-range', `label ${labels[i]} at index ${i} is outside [${base}, ${base + classes - 1}]`);
    }
  }
}
