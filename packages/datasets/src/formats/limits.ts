// How much a reader may inflate in one call. Compressed files are untrusted: a 1 MB gzip of zeros inflates to
// about 1 GB, and a zip or tar header can claim any size. Every reader counts what it inflates against one budget.
import { validate } from '@mlp-blocks/core';
import { DataFormatError } from '../errors.js';

/**
 * Default cap on the bytes one read may inflate or allocate: 512 MiB. The largest real file read in one call is an
 * ImageNet-32 training npz (about 394 MB); the CIFAR archives inflate to about 185 MB, MNIST's images to 47 MB.
 */
export const DEFAULT_MAX_INFLATED_BYTES = 512 * 2 ** 20;

/** Limits on one read of an untrusted file. */
export interface ReadLimits {
  /** Most bytes the read may inflate (gzip, tar, zip entries) or allocate, in total (default 512 MiB). */
  maxInflatedBytes?: number;
}

/** The cap of `limits`, checked: a positive safe integer. */
export function inflateCap(limits: ReadLimits | undefined): number {
  const cap = limits?.maxInflatedBytes;
  return cap === undefined ? DEFAULT_MAX_INFLATED_BYTES : validate.positiveInt('datasets', 'maxInflatedBytes', cap);
}

/** The error for a file that needs more than the cap. */
export function tooLarge(file: string, what: string, cap: number): DataFormatError {
  return new DataFormatError(file, 'too-large', `${what}, past the cap of ${cap.toLocaleString('en-US')} bytes inflated per read (raise maxInflatedBytes if the file is genuine)`);
}

/** Counts inflated bytes against a cap for one read. */
export class InflateBudget {
  used = 0;
  constructor(readonly file: string, readonly cap: number) {}

  /** Takes `n` bytes from the budget, throwing the cap error when it runs out. */
  take(n: number, what = 'the data inflates'): void {
    this.used += n;
    if (this.used > this.cap) throw tooLarge(this.file, what, this.cap);
  }

  /** Whether `n` more bytes would still fit. */
  fits(n: number): boolean {
    return this.used + n <= this.cap;
  }
}
