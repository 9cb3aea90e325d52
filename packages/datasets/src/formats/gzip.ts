import { constants, gunzipSync } from 'node:zlib';
import { DataFormatError } from '../errors.js';
import { tooLarge } from './limits.js';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates gzip bytes, passing anything else through, and refusing to produce more than `cap` bytes. zlib checks
 * the CRC-32 and length trailer, so a damaged stream fails here rather than yielding altered data.
 */
export function maybeGunzip(bytes: Uint8Array, file: string, cap: number): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: cap });
  } catch (err) {
    throw gzipError(err, file, cap);
  }
}

/**
 * Up to the first `n` inflated bytes of gzip bytes (fewer when the stream is shorter or damaged early), inflating
 * only a prefix of the input: enough to read a header before deciding how much the whole may inflate to.
 */
export function gunzipHead(bytes: Uint8Array, n: number): Uint8Array {
  // Each compressed byte yields at most ~1032 inflated ones; 4 KiB of input covers any header read here.
  const input = bytes.subarray(0, Math.min(bytes.length, 4096));
  try {
    return gunzipSync(input, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 8 * 2 ** 20 }).subarray(0, n);
  } catch {
    return new Uint8Array(0); // the full inflate reports the damage with its real cause
  }
}

function gzipError(err: unknown, file: string, cap: number): DataFormatError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(file, 'the gzip stream inflates', cap);
  if (e.code === 'Z_BUF_ERROR') return new DataFormatError(file, 'truncated', `gzip stream ends early (${e.message})`);
  return new DataFormatError(file, 'corrupt', `gzip stream is damaged (${e.message})`);
}
