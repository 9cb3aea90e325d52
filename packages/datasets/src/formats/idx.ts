// IDX, the format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type code, the number of
// dimensions, one big-endian uint32 per dimension, then the values in big-endian row-major order.
import { DataFormatError } from '../errors.js';
import { gunzipHead, isGzip, maybeGunzip } from './gzip.js';
import { inflateCap, tooLarge, type ReadLimits } from './limits.js';

/** Element types of the IDX format, by type code. */
const TYPES: Record<number, { name: IdxType; size: number }> = {
  0x08: { name: 'uint8', size: 1 },
  0x09: { name: 'int8', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
};

/** Element type names of IDX files. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A parsed IDX array. `uint8` data is a view into the file's bytes (no copy); other types are decoded. */
export interface IdxArray {
  readonly type: IdxType;
  readonly dims: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Parses IDX bytes (raw, or gzip-compressed: detected by the gzip magic number). `file` names the source in
 * errors. Throws a DataFormatError for a bad magic number, truncated data, or bytes past the declared size; a
 * gzip file inflates to no more than its header declares, and never past `limits.maxInflatedBytes`.
 */
export function parseIdx(bytes: Uint8Array, file: string, limits?: ReadLimits): IdxArray {
  const raw = isGzip(bytes) ? gunzipIdx(bytes, file, inflateCap(limits)) : bytes;
  if (raw.length < 4) throw new DataFormatError(file, 'truncated', `${raw.length} bytes, an IDX header needs at least 4`);
  const type = TYPES[raw[2]!];
  if (raw[0] !== 0 || raw[1] !== 0 || type === undefined) {
    throw new DataFormatError(file, 'bad-magic', `0x${hex(raw.subarray(0, 4))} is not an IDX magic number (00 00 <type 08|09|0b|0c|0d|0e> <ndims>)`);
  }
  const ndims = raw[3]!;
  if (ndims === 0) throw new DataFormatError(file, 'dimension-mismatch', 'the header declares 0 dimensions');
  const headerBytes = 4 + 4 * ndims;
  if (raw.length < headerBytes) {
    throw new DataFormatError(file, 'truncated', `${raw.length} bytes, the header of ${ndims} dimensions needs ${headerBytes}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  // Checked before any allocation, so a corrupt header can never ask for gigabytes.
  const expected = dims.reduce((a, b) => a * b, 1) * type.size;
  const available = raw.length - headerBytes;
  if (available < expected) {
    throw new DataFormatError(file, 'truncated', `dimensions [${dims.join(', ')}] of ${type.name} need ${expected} data bytes, found ${available}`);
  }
  if (available > expected) {
    throw new DataFormatError(file, 'dimension-mismatch', `dimensions [${dims.join(', ')}] of ${type.name} need ${expected} data bytes, found ${available} (${available - expected} extra)`);
  }
  return { type: type.name, dims, data: decode(raw, headerBytes, expected / type.size, type.name) };
}

/** The header's total size in bytes (header and data), when `head` holds a whole valid header. */
function declaredSize(head: Uint8Array): { total: number; dims: number[]; type: IdxType } | null {
  const type = TYPES[head[2]!];
  const ndims = head[3] ?? 0;
  if (head.length < 4 + 4 * ndims || head[0] !== 0 || head[1] !== 0 || !type || ndims === 0) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims = Array.from({ length: ndims }, (_, d) => view.getUint32(4 + 4 * d, false));
  return { total: 4 + 4 * ndims + dims.reduce((a, b) => a * b, 1) * type.size, dims, type: type.name };
}

/**
 * Inflates an IDX .gz no further than its header declares (plus one byte, to tell "extra data" apart), so a small
 * file of zeros cannot take gigabytes of memory; a header declaring more than the cap fails before inflating.
 */
function gunzipIdx(bytes: Uint8Array, file: string, cap: number): Uint8Array {
  const declared = declaredSize(gunzipHead(bytes, 4 + 4 * 255));
  if (!declared) return maybeGunzip(bytes, file, cap); // the parser reports what is wrong with the header
  if (declared.total > cap) throw tooLarge(file, `dimensions [${declared.dims.join(', ')}] of ${declared.type} need ${declared.total} bytes`, cap);
  if (declared.total + 1 > cap) return maybeGunzip(bytes, file, cap);
  try {
    return maybeGunzip(bytes, file, declared.total + 1);
  } catch (err) {
    if (err instanceof DataFormatError && err.problem === 'too-large') {
      throw new DataFormatError(file, 'dimension-mismatch', `dimensions [${declared.dims.join(', ')}] of ${declared.type} need ${declared.total} bytes in all, the gzip stream inflates to more`);
    }
    throw err;
  }
}

function decode(raw: Uint8Array, offset: number, count: number, type: IdxType): IdxArray['data'] {
  if (type === 'uint8') return raw.subarray(offset, offset + count);
  const view = new DataView(raw.buffer, raw.byteOffset + offset, raw.byteLength - offset);
  switch (type) {
    case 'int8': return new Int8Array(raw.buffer, raw.byteOffset + offset, count).slice();
    case 'int16': return Int16Array.from({ length: count }, (_, i) => view.getInt16(2 * i, false));
    case 'int32': return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, false));
    case 'float32': return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, false));
    case 'float64': return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, false));
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
