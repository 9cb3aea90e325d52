// Members of a (gzipped) tar archive such as cifar-10-binary.tar.gz, read as a stream without extracting anything
// to disk. Headers are parsed here (ustar, GNU long names, pax path/size records) and their checksums verified;
// zlib checks the gzip CRC. Reading stops at the end-of-archive blocks: node-tar's parser, used before, kept
// appending everything after them to one buffer (Buffer.concat per chunk, quadratic in the tail's length).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataFormatError } from '../errors.js';
import { isGzip } from './gzip.js';
import { InflateBudget, inflateCap, type ReadLimits } from './limits.js';

const BLOCK = 512;
/** Most bytes read past the end-of-archive blocks, to reach the gzip trailer (and its CRC) of a normal archive. */
export const TAIL_SLACK = 2 ** 20;
/** Largest pax or GNU long-name record accepted. */
const MAX_META = 2 ** 20;

/** What one pass over an archive found. */
export interface TarScan {
  readonly members: Map<string, Buffer>;
  /** Bytes of tar stream read (inflated bytes, for a gzipped archive). */
  readonly streamBytes: number;
  /** Where the end-of-archive blocks ended, in the tar stream. */
  readonly endOfArchive: number;
}

/**
 * Reads the members of the archive at `path` whose base names are in `wanted`, returning their bytes by base
 * name. Every wanted member must be present exactly once. `file` names the archive in errors; the whole read
 * inflates at most `limits.maxInflatedBytes` (default 512 MiB).
 */
export async function readTarMembers(path: string, wanted: readonly string[], file = path, limits?: ReadLimits): Promise<Map<string, Buffer>> {
  return (await scanTar(path, wanted, file, limits)).members;
}

/** readTarMembers, also saying how much of the stream was read. */
export async function scanTar(path: string, wanted: readonly string[], file = path, limits?: ReadLimits): Promise<TarScan> {
  const budget = new InflateBudget(file, inflateCap(limits));
  const gzip = isGzip(await readHead(path, 2));
  const raw = createReadStream(path);
  const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (err) => stream.destroy(err));
  const parser = new TarParser(file, new Set(wanted), budget);
  let tail = 0;
  try {
    for await (const chunk of stream) {
      if (parser.end < 0) {
        parser.write(chunk as Buffer);
        tail = budget.used - parser.end;
      } else {
        tail += (chunk as Buffer).length;
      }
      // Past the end-of-archive blocks only record padding and the gzip trailer are expected: a long tail is not read.
      if (parser.end >= 0 && tail > TAIL_SLACK) break;
    }
  } catch (err) {
    if (err instanceof DataFormatError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES') throw err;
    const truncated = e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message);
    throw new DataFormatError(file, truncated ? 'truncated' : 'corrupt', gzip ? `gzip stream: ${e.message}` : e.message);
  } finally {
    stream.destroy();
    raw.destroy();
  }
  parser.finish();
  const missing = wanted.filter((w) => !parser.members.has(w));
  if (missing.length) throw new DataFormatError(file, 'missing-entry', `no member named ${missing.join(', ')}`);
  return { members: parser.members, streamBytes: parser.end + tail, endOfArchive: parser.end };
}

/** A block-at-a-time tar parser; only the wanted members' bytes are kept. */
class TarParser {
  readonly members = new Map<string, Buffer>();
  /** Stream offset just past the end-of-archive blocks; -1 until they are seen. */
  end = -1;
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private offset = 0;
  private zeroBlocks = 0;
  /** The member (or metadata record) whose data is being read. */
  private body: { name: string; remaining: number; pad: number; chunks: Buffer[] | null; meta: 'pax' | 'long' | null } | null = null;
  private pax: Record<string, string> = {};
  private longName: string | null = null;
  private readonly firstPath = new Map<string, string>();

  constructor(private readonly file: string, private readonly wanted: Set<string>, private readonly budget: InflateBudget) {}

  write(chunk: Buffer): void {
    this.budget.take(chunk.length, 'the archive inflates');
    let at = 0;
    while (at < chunk.length && this.end < 0) {
      if (this.body) {
        at += this.consumeBody(chunk, at);
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
      chunk.copy(this.header, this.headerFill, at, at + n);
      this.headerFill += n;
      at += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.offset += BLOCK;
        this.onHeader();
      }
    }
  }

  finish(): void {
    if (this.end >= 0) return;
    const where = this.body && !this.body.meta ? `inside member ${this.body.name}` : 'before its end-of-archive blocks';
    throw new DataFormatError(this.file, 'truncated', `the archive ends ${where}`);
  }

  private consumeBody(chunk: Buffer, at: number): number {
    const body = this.body!;
    if (body.remaining > 0) {
      const n = Math.min(body.remaining, chunk.length - at);
      if (body.chunks) body.chunks.push(chunk.subarray(at, at + n));
      body.remaining -= n;
      this.offset += n;
      if (body.remaining === 0 && body.pad === 0) this.endBody();
      return n;
    }
    const n = Math.min(body.pad, chunk.length - at);
    body.pad -= n;
    this.offset += n;
    if (body.pad === 0) this.endBody();
    return n;
  }

  private endBody(): void {
    const body = this.body!;
    this.body = null;
    if (!body.chunks) return;
    const bytes = Buffer.concat(body.chunks);
    if (body.meta === 'pax') this.pax = parsePax(bytes, this.file);
    else if (body.meta === 'long') this.longName = bytes.toString('utf8').replace(/\0.*$/s, '');
    else this.members.set(basename(body.name), bytes);
  }

  private onHeader(): void {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      if (++this.zeroBlocks === 2) this.end = this.offset;
      return;
    }
    if (this.zeroBlocks > 0) this.zeroBlocks = 0;
    const start = this.offset - BLOCK;
    const stored = octal(h, 148, 8);
    if (stored === null || !checksumMatches(h, stored)) {
      throw new DataFormatError(this.file, 'corrupt', `the tar header at byte ${start} fails its checksum`);
    }
    const type = String.fromCharCode(h[156]!);
    const paxSize = this.pax['size'];
    let size = h[124]! & 0x80 ? base256(h, 124, 12) : octal(h, 124, 12);
    if (paxSize !== undefined && type !== 'x' && type !== 'g') size = /^\d+$/.test(paxSize) ? Number(paxSize) : null;
    if (size === null || !Number.isSafeInteger(size) || size < 0) {
      throw new DataFormatError(this.file, 'corrupt', `the tar header at byte ${start} has an unreadable size field`);
    }
    const ustar = h.toString('latin1', 257, 263) === 'ustar\0';
    const prefix = ustar ? cString(h, 345, 155) : '';
    const name = this.pax['path'] ?? this.longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      if (size > MAX_META) throw new DataFormatError(this.file, 'corrupt', `a ${size}-byte tar metadata record at byte ${start}`);
      const keep = type !== 'g'; // global pax records carry nothing this reader uses
      this.body = { name, remaining: size, pad, chunks: keep ? [] : null, meta: type === 'x' ? 'pax' : type === 'L' ? 'long' : null };
      if (size + pad === 0) this.endBody();
      return;
    }
    this.pax = {};
    this.longName = null;
    const base = basename(name);
    const isFile = type === '0' || type === '\0' || type === '7';
    const keep = isFile && this.wanted.has(base);
    if (keep) {
      const first = this.firstPath.get(base);
      // Readers disagree on which copy wins (tar -x keeps the last, node-tar's list the first): refuse to guess.
      if (first !== undefined) throw new DataFormatError(this.file, 'duplicate-entry', `member ${base} appears twice (${first} and ${name})`);
      this.firstPath.set(base, name);
      if (!this.budget.fits(size)) this.budget.take(size, `member ${name} claims ${size} bytes`);
    }
    this.body = { name, remaining: size, pad, chunks: keep ? [] : null, meta: null };
    if (size + pad === 0) this.endBody();
  }
}

function cString(h: Buffer, at: number, len: number): string {
  const field = h.subarray(at, at + len);
  const nul = field.indexOf(0);
  return field.toString('utf8', 0, nul < 0 ? len : nul);
}

/** An octal number field (digits, optionally padded by spaces or NULs), or null when it holds anything else. */
function octal(h: Buffer, at: number, len: number): number | null {
  const text = h.toString('latin1', at, at + len).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : null;
}

/** GNU's base-256 size field (high bit set): a big-endian positive number. */
function base256(h: Buffer, at: number, len: number): number | null {
  if (h[at]! & 0x40) return null; // negative
  let v = h[at]! & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + h[at + i]!;
  return v;
}

/** The header checksum: the byte sum with the checksum field read as spaces (unsigned, or signed as old tars did). */
function checksumMatches(h: Buffer, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b >= 128 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** pax extended header records: "<length> <key>=<value>\n" each. */
function parsePax(bytes: Buffer, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    const len = space < 0 ? NaN : Number(bytes.toString('latin1', at, space));
    if (!Number.isSafeInteger(len) || len <= space - at || at + len > bytes.length) {
      if (bytes.subarray(at).every((b) => b === 0)) break;
      throw new DataFormatError(file, 'corrupt', 'an unreadable pax extended header');
    }
    const record = bytes.toString('utf8', space + 1, at + len).replace(/\n$/, '');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
