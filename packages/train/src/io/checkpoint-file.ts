import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { writeFileAtomic } from './files.js';

/** One stored array: float32 (weights, optimizer moments) or int32 (counters, data order). */
export interface StoredArray {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A problem with a checkpoint file on disk; the message names the file. */
export class CheckpointError extends Error {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`checkpoint ${file}: ${problem}`);
    this.name = 'CheckpointError';
    this.file = file;
  }
}

const MAGIC = 'MLPBCKP1';

/**
 * Writes `meta` (plain JSON) and named arrays into one file, atomically (temp file + rename), with a
 * SHA-256 of the array bytes so truncation or corruption is caught on read. Layout: 8-byte magic, uint32
 * little-endian header length, header JSON, then the raw little-endian array bytes.
 */
export function writeCheckpointFile(file: string, meta: unknown, arrays: readonly StoredArray[]): void {
  let offset = 0;
  const entries = arrays.map((a) => {
    const entry = { name: a.name, dtype: a.dtype, shape: a.shape, offset, length: a.data.byteLength };
    offset += a.data.byteLength;
    return entry;
  });
  const payload = new Uint8Array(offset);
  arrays.forEach((a, i) => payload.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), entries[i]!.offset));
  const sha256 = createHash('sha256').update(payload).digest('hex');
  const header = Buffer.from(JSON.stringify({ version: 1, meta, arrays: entries, sha256 }), 'utf8');
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'ascii');
  head.writeUInt32LE(header.length, 8);
  writeFileAtomic(file, Buffer.concat([head, header, payload]));
}

/** Reads a file written by writeCheckpointFile, verifying magic, header and checksum. */
export function readCheckpointFile(file: string): { meta: unknown; arrays: Map<string, StoredArray> } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new CheckpointError(file, `cannot read it (${(e as Error).message})`);
  }
  if (bytes.length < 12 || bytes.toString('ascii', 0, 8) !== MAGIC) throw new CheckpointError(file, `not an mlp-blocks checkpoint (no ${MAGIC} header)`);
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw new CheckpointError(file, `truncated: header of ${headerLength} bytes but the file has ${bytes.length}`);
  let header: { version: number; meta: unknown; arrays: Array<Omit<StoredArray, 'data'> & { offset: number; length: number }>; sha256: string };
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength));
  } catch (e) {
    throw new CheckpointError(file, `corrupt header (${(e as Error).message})`);
  }
  if (header.version !== 1) throw new CheckpointError(file, `unsupported version ${header.version}`);
  const payload = bytes.subarray(12 + headerLength);
  const expected = header.arrays.reduce((n, a) => n + a.length, 0);
  if (payload.length !== expected) throw new CheckpointError(file, `truncated or padded: ${payload.length} bytes of arrays, the header lists ${expected}`);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256) throw new CheckpointError(file, 'checksum mismatch: the array bytes are corrupt');
  const arrays = new Map<string, StoredArray>();
  for (const a of header.arrays) {
    const copy = new Uint8Array(payload.subarray(a.offset, a.offset + a.length)); // aligned copy
    const data = a.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    arrays.set(a.name, { name: a.name, dtype: a.dtype, shape: a.shape, data });
  }
  return { meta: header.meta, arrays };
}
