// NumPy's .npy format (NEP 1): "\x93NUMPY", major and minor version bytes, a little-endian header length
// (uint16 for version 1, uint32 for 2 and 3), an ASCII/UTF-8 Python dict literal
// {'descr': '<i8', 'fortran_order': False, 'shape': (3, 3072), } padded with spaces, then the raw values.
import { DataFormatError } from '../errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A parsed .npy array: uint8 data stays a view of the input; every other numeric type is decoded to numbers. */
export interface NpyArray {
  /** NumPy's type string, e.g. "|u1", "<i8", "<f8". */
  readonly descr: string;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Float64Array;
}

/** Parses .npy bytes; `file` names the source (for an npz entry, "archive.npz:data.npy") in errors. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10) throw new DataFormatError(file, 'truncated', `${bytes.length} bytes, an .npy header needs at least 10`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new DataFormatError(file, 'bad-magic', 'does not start with \\x93NUMPY');
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataFormatError(file, 'unsupported', `.npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new DataFormatError(file, 'truncated', 'the header length is cut off');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes + headerLength;
  if (bytes.length < start) throw new DataFormatError(file, 'truncated', `the header declares ${headerLength} bytes, only ${bytes.length - 8 - lengthBytes} follow`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, start));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataFormatError(file, 'corrupt', `unreadable .npy header ${JSON.stringify(header.trim())}`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new DataFormatError(file, 'corrupt', `bad shape (${shapeText})`);
  const type = /^([<>|=])([uif])(\d+)$/.exec(descr);
  const size = type ? Number(type[3]) : 0;
  if (!type || !validSize(type[2]!, size)) throw new DataFormatError(file, 'unsupported', `dtype ${JSON.stringify(descr)} (only plain integer and float types are read)`);
  if (fortran === 'True' && shape.length > 1) throw new DataFormatError(file, 'unsupported', 'Fortran-ordered arrays');
  const count = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - start;
  if (available < count * size) throw new DataFormatError(file, 'truncated', `shape (${shape.join(', ')}) of ${descr} needs ${count * size} data bytes, found ${available}`);
  if (available > count * size) throw new DataFormatError(file, 'dimension-mismatch', `shape (${shape.join(', ')}) of ${descr} needs ${count * size} data bytes, found ${available}`);
  const data = decode(bytes, start, count, type[2]!, size, type[1] !== '>');
  return { descr, shape, data };
}

function validSize(kind: string, size: number): boolean {
  return kind === 'f' ? size === 4 || size === 8 : size === 1 || size === 2 || size === 4 || size === 8;
}

function decode(bytes: Uint8Array, start: number, count: number, kind: string, size: number, little: boolean): Uint8Array | Float64Array {
  if (kind === 'u' && size === 1) return bytes.subarray(start, start + count);
  const v = new DataView(bytes.buffer, bytes.byteOffset + start, count * size);
  const out = new Float64Array(count);
  const read: (i: number) => number =
    kind === 'f' ? (size === 4 ? (i) => v.getFloat32(4 * i, little) : (i) => v.getFloat64(8 * i, little))
    : kind === 'u' ? [, (i: number) => v.getUint8(i), (i: number) => v.getUint16(2 * i, little), , (i: number) => v.getUint32(4 * i, little), , , , (i: number) => Number(v.getBigUint64(8 * i, little))][size]!
    : [, (i: number) => v.getInt8(i), (i: number) => v.getInt16(2 * i, little), , (i: number) => v.getInt32(4 * i, little), , , , (i: number) => Number(v.getBigInt64(8 * i, little))][size]!;
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}
