import { gunzipSync } from 'node:zlib';
import { DataFormatError } from '../errors.js';

/** Largest decompressed file accepted (the biggest real one, CIFAR-100's tar, is about 170 MB). */
export const MAX_INFLATED_BYTES = 2 ** 30;

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates gzip bytes, passing anything else through. zlib checks the CRC-32 and length trailer, so a
 * damaged stream fails here rather than yielding altered data.
 */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR') throw new DataFormatError(file, 'truncated', `gzip stream ends early (${e.message})`);
    if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new DataFormatError(file, 'corrupt', `gzip stream inflates past ${MAX_INFLATED_BYTES} bytes`);
    throw new DataFormatError(file, 'corrupt', `gzip stream is damaged (${e.message})`);
  }
}
