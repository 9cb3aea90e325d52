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
const HASH_BYTES = 32;
/** Format 2 (current): a SHA-256 of every byte before it ends the file. Format 1 hashed the arrays only. */
export const CHECKPOINT_VERSION = 2;

type Entry = Omit<StoredArray, 'data'> & { offset: number; length: number };

/**
 * Writes `meta` (plain JSON) and named arrays into one file, atomically (temp file + rename). Layout: 8-byte
 * magic, uint32 little-endian header length, header JSON (version, meta, array table), the raw little-endian
 * array bytes, then a SHA-256 of everything before it, so a changed bit anywhere (header included) is caught.
 */
export function writeCheckpointFile(file: string, meta: unknown, arrays: readonly StoredArray[]): void {
  let offset = 0;
  const entries: Entry[] = arrays.map((a) => {
    const entry = { name: a.name, dtype: a.dtype, shape: a.shape, offset, length: a.data.byteLength };
    offset += a.data.byteLength;
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ version: CHECKPOINT_VERSION, meta, arrays: entries }), 'utf8');
  const body = Buffer.alloc(12 + header.length + offset);
  body.write(MAGIC, 0, 'ascii');
  body.writeUInt32LE(header.length, 8);
  header.copy(body, 12);
  arrays.forEach((a, i) => body.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), 12 + header.length + entries[i]!.offset));
  writeFileAtomic(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
}

/**
 * Reads a file written by writeCheckpointFile. Format 2 is checked against its whole-file SHA-256 before
 * anything in it is believed; format 1 (written by earlier releases) is still read, with its array-only
 * checksum. Either way the header's structure is validated in full. Every problem is a CheckpointError.
 */
export function readCheckpointFile(file: string): { meta: unknown; arrays: Map<string, StoredArray>; version: number } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new CheckpointError(file, `cannot read it (${(e as Error).message})`);
  }
  const fail = (problem: string): never => {
    throw new CheckpointError(file, problem);
  };
  if (bytes.length < 12 || bytes.toString('ascii', 0, 8) !== MAGIC) fail(`not an mlp-blocks checkpoint (no ${MAGIC} header)`);
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) fail(`truncated: header of ${headerLength} bytes but the file has ${bytes.length}`);
  const wholeFileIntact = bytes.length >= 12 + headerLength + HASH_BYTES
    && createHash('sha256').update(bytes.subarray(0, bytes.length - HASH_BYTES)).digest().equals(bytes.subarray(bytes.length - HASH_BYTES));
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength));
  } catch (e) {
    return fail(`corrupt header (${(e as Error).message})`);
  }
  const h = isRecord(header) ? header : fail(`corrupt header (not a JSON object)`);
  let payload: Buffer;
  if (wholeFileIntact) {
    if (h.version !== CHECKPOINT_VERSION) fail(`unsupported version ${JSON.stringify(h.version)}`);
    payload = bytes.subarray(12 + headerLength, bytes.length - HASH_BYTES);
  } else if (h.version === 1) {
    payload = bytes.subarray(12 + headerLength);
  } else if (h.version === CHECKPOINT_VERSION) {
    return fail('checksum mismatch: the file is corrupt or was edited');
  } else {
    return fail(`unsupported version ${JSON.stringify(h.version)}`);
  }
  const entries = checkEntries(h.arrays, payload.length, fail);
  if (h.version === 1) {
    if (typeof h.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(h.sha256)) fail(`corrupt header (sha256 ${JSON.stringify(h.sha256)} is not a SHA-256)`);
    if (createHash('sha256').update(payload).digest('hex') !== h.sha256) fail('checksum mismatch: the array bytes are corrupt');
  }
  if (!('meta' in h)) fail('corrupt header (no "meta")');
  const arrays = new Map<string, StoredArray>();
  for (const a of entries) {
    const copy = new Uint8Array(payload.subarray(a.offset, a.offset + a.length)); // aligned copy
    const data = a.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    arrays.set(a.name, { name: a.name, dtype: a.dtype, shape: a.shape, data });
  }
  return { meta: h.meta, arrays, version: h.version as number };
}

/**
 * Validates the array table: names unique, dtype float32/int32, shapes of non-negative integers, each length
 * 4 bytes × its shape's size, and the arrays packed back to back in order, filling the payload exactly.
 */
function checkEntries(raw: unknown, payloadLength: number, fail: (problem: string) => never): Entry[] {
  if (!Array.isArray(raw)) return fail(`corrupt header ("arrays" is ${JSON.stringify(raw) ?? 'missing'}, not a list)`);
  const names = new Set<string>();
  let offset = 0;
  const entries = raw.map((e: unknown, i): Entry => {
    const bad = (what: string): never => fail(`corrupt header (array ${i}: ${what})`);
    if (!isRecord(e)) return bad(`${JSON.stringify(e)} is not an object`);
    const { name, dtype, shape, offset: at, length } = e;
    if (typeof name !== 'string' || name === '') bad(`name ${JSON.stringify(name)}`);
    if (names.has(name as string)) bad(`name ${JSON.stringify(name)} appears twice`);
    names.add(name as string);
    if (dtype !== 'float32' && dtype !== 'int32') bad(`${name} has dtype ${JSON.stringify(dtype)}, expected "float32" or "int32"`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`${name} has shape ${JSON.stringify(shape)}`);
    const size = (shape as number[]).reduce((p, d) => p * d, 1);
    if (!Number.isSafeInteger(length) || length !== 4 * size) bad(`${name} has length ${JSON.stringify(length)}, its shape [${shape}] needs ${4 * size} bytes`);
    if (at !== offset) bad(`${name} has offset ${JSON.stringify(at)}, expected ${offset} (arrays are stored back to back)`);
    offset += length as number;
    if (offset > payloadLength) bad(`${name} ends at byte ${offset} of the arrays, past their ${payloadLength} bytes (truncated?)`);
    return { name: name as string, dtype: dtype as Entry['dtype'], shape: shape as number[], offset: at as number, length: length as number };
  });
  if (offset !== payloadLength) fail(`truncated or padded: ${payloadLength} bytes of arrays, the header lists ${offset}`);
  return entries;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
