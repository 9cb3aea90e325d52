// NumPy's .npz: a zip archive (np.savez: stored, np.savez_compressed: deflated, both may use zip64) holding one
// .npy entry per array. Entries are streamed from the file with yauzl, one at a time, and checked against the
// CRC-32 of the zip's central directory.
import { open as openFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { DataFormatError } from '../errors.js';
import { InflateBudget, inflateCap, type ReadLimits } from './limits.js';
import { parseNpy, type NpyArray } from './npy.js';

/** Deflate turns each compressed byte into at most 1032 (RFC 1951's longest match per shortest code). */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Reads the arrays of an .npz file. `want` limits reading to those arrays (by key, without ".npy") and makes
 * each of them required. `file` names the source in errors (defaults to `path`). An entry name that appears twice
 * is an error, and the arrays read inflate to at most `limits.maxInflatedBytes` in all (default 512 MiB).
 */
export async function readNpz(path: string, want?: readonly string[], file = path, limits?: ReadLimits): Promise<Record<string, NpyArray>> {
  const budget = new InflateBudget(file, inflateCap(limits));
  await checkZipMagic(path, file);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err ? reject(zipError(file, err)) : resolve(z)));
  });
  const out: Record<string, NpyArray> = {};
  const seen = new Set<string>();
  try {
    for (let entry = await nextEntry(zip, file); entry; entry = await nextEntry(zip, file)) {
      // Zip tools disagree on which of two same-named entries wins (unzip and NumPy take the last): refuse to guess.
      if (seen.has(entry.fileName)) throw new DataFormatError(file, 'duplicate-entry', `entry ${entry.fileName} appears twice`);
      seen.add(entry.fileName);
      if (!entry.fileName.endsWith('.npy')) continue;
      const key = entry.fileName.slice(0, -4);
      if (want && !want.includes(key)) continue;
      const where = `${file}:${entry.fileName}`;
      checkClaimedSize(entry, where, budget);
      const bytes = await readEntry(zip, entry, where);
      out[key] = parseNpy(bytes, where);
    }
  } finally {
    zip.close();
  }
  for (const key of want ?? []) {
    if (!(key in out)) throw new DataFormatError(file, 'missing-entry', `no array "${key}" (found ${Object.keys(out).map((k) => `"${k}"`).join(', ') || 'none'})`);
  }
  return out;
}

async function checkZipMagic(path: string, file: string): Promise<void> {
  const fh = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead < 4) throw new DataFormatError(file, 'truncated', `${bytesRead} bytes, not a zip archive`);
    if (head.readUInt32LE(0) !== 0x04034b50) throw new DataFormatError(file, 'bad-magic', `0x${head.toString('hex')} is not a zip local-file signature (504b0304)`);
  } finally {
    await fh.close();
  }
}

function nextEntry(zip: yauzl.ZipFile, file: string): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => { cleanup(); resolve(e); };
    const onEnd = () => { cleanup(); resolve(null); };
    const onError = (err: Error) => { cleanup(); reject(zipError(file, err)); };
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/** Checks an entry's declared size before anything is allocated for it: what its compressed bytes can hold, and the cap. */
function checkClaimedSize(entry: yauzl.Entry, where: string, budget: InflateBudget): void {
  const { uncompressedSize: size, compressedSize: packed, compressionMethod: method } = entry;
  // (yauzl already refuses a stored entry whose two sizes differ.)
  if (method === 8 && size > packed * MAX_DEFLATE_RATIO + 1024) {
    throw new DataFormatError(where, 'corrupt', `entry claims ${size} bytes from ${packed} compressed bytes, more than deflate can produce`);
  }
  budget.take(size, `entry ${entry.fileName} claims ${size} bytes`);
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, where: string): Promise<Uint8Array> {
  const size = entry.uncompressedSize;
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(zipError(where, err));
      const buf = Buffer.allocUnsafe(size);
      let at = 0;
      let crc = 0;
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        stream.destroy();
        reject(e instanceof DataFormatError ? e : zipError(where, e as Error));
      };
      stream.on('data', (chunk: Buffer) => {
        if (at + chunk.length > size) return fail(new DataFormatError(where, 'corrupt', `entry inflates past its declared ${size} bytes`));
        chunk.copy(buf, at);
        at += chunk.length;
        if (hasCrc32) crc = zlib.crc32(chunk, crc);
      });
      stream.on('error', fail);
      stream.on('end', () => {
        if (failed) return;
        if (at !== size) return fail(new DataFormatError(where, 'truncated', `${at} of ${size} bytes`));
        if (hasCrc32 && crc !== entry.crc32) {
          return fail(new DataFormatError(where, 'corrupt', `CRC-32 ${hex(crc)} differs from the archive's ${hex(entry.crc32)}`));
        }
        resolve(buf);
      });
    });
  });
}

// zlib.crc32 arrived in Node 20.15; on older releases the CRC check is skipped (sizes are still checked).
const hasCrc32 = typeof (zlib as { crc32?: unknown }).crc32 === 'function';

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Maps yauzl's and zlib's plain errors to a DataFormatError naming the file. */
function zipError(file: string, err: Error): DataFormatError {
  if (err instanceof DataFormatError) return err;
  const m = err.message;
  const truncated = /end of central directory record signature not found|unexpected EOF|not enough bytes|unexpected end/i.test(m);
  return new DataFormatError(file, truncated ? 'truncated' : 'corrupt', m);
}
