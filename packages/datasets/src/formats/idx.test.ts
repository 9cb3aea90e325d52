import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxBytes, idxPair } from '../../test/writers.js';
import { DataFormatError } from '../errors.js';
import { idxImageSet } from './idx-images.js';
import { parseIdx } from './idx.js';

const FILE = 'some/dir/train-images-idx3-ubyte';

function formatError(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DataFormatError) return err;
    throw new Error(`expected a DataFormatError, got ${String(err)}`);
  }
  throw new Error('expected a DataFormatError, nothing was thrown');
}

describe('parseIdx on well-formed files', () => {
  it('reads uint8 [N, H, W] as a view into the bytes, raw or gzipped', () => {
    const { images, pixels } = idxPair(3, 4, 5);
    for (const bytes of [images, gzipSync(images)]) {
      const a = parseIdx(bytes, FILE);
      expect(a.type).toBe('uint8');
      expect(a.dims).toEqual([3, 4, 5]);
      expect(Array.from(a.data)).toEqual(Array.from(pixels));
    }
    expect(parseIdx(images, FILE).data.buffer).toBe(images.buffer); // no copy of a raw file
  });

  it('decodes every big-endian element type', () => {
    expect(Array.from(parseIdx(idxBytes(0x09, [3], [-128, 0, 127]), FILE).data)).toEqual([-128, 0, 127]);
    expect(Array.from(parseIdx(idxBytes(0x0b, [2], [-30000, 258]), FILE).data)).toEqual([-30000, 258]);
    expect(Array.from(parseIdx(idxBytes(0x0c, [2], [-2e9, 16909060]), FILE).data)).toEqual([-2e9, 16909060]);
    expect(Array.from(parseIdx(idxBytes(0x0d, [2], [1.5, -0.25]), FILE).data)).toEqual([1.5, -0.25]);
    expect(Array.from(parseIdx(idxBytes(0x0e, [1, 2], [Math.PI, -1e300]), FILE).data)).toEqual([Math.PI, -1e300]);
  });
});

describe('parseIdx rejects corrupt files with a typed error naming the file and the problem', () => {
  const good = idxPair(2, 3, 3).images;

  it('bad magic number', () => {
    const bad = good.slice();
    bad[0] = 0x1a;
    const e = formatError(() => parseIdx(bad, FILE));
    expect(e.problem).toBe('bad-magic');
    expect(e.message).toMatch(/^some\/dir\/train-images-idx3-ubyte: bad magic number: 0x1a000803/);
    const unknownType = good.slice();
    unknownType[2] = 0x0a;
    expect(formatError(() => parseIdx(unknownType, FILE)).problem).toBe('bad-magic');
  });

  it('truncated header and truncated data', () => {
    expect(formatError(() => parseIdx(good.subarray(0, 3), FILE)).problem).toBe('truncated');
    expect(formatError(() => parseIdx(good.subarray(0, 10), FILE)).message).toMatch(/truncated data: 10 bytes, the header of 3 dimensions needs 16/);
    const e = formatError(() => parseIdx(good.subarray(0, good.length - 1), FILE));
    expect(e.message).toMatch(/truncated data: dimensions \[2, 3, 3\] of uint8 need 18 data bytes, found 17/);
  });

  it('dimension mismatch: bytes past the declared dimensions, or a header declaring none', () => {
    const long = new Uint8Array(good.length + 9);
    long.set(good);
    expect(formatError(() => parseIdx(long, FILE)).message).toMatch(/dimension mismatch: .* found 27 \(9 extra\)/);
    expect(formatError(() => parseIdx(new Uint8Array([0, 0, 8, 0]), FILE)).problem).toBe('dimension-mismatch');
  });

  it('a damaged or cut gzip stream', () => {
    const gz = gzipSync(good);
    expect(formatError(() => parseIdx(gz.subarray(0, gz.length - 6), `${FILE}.gz`)).message).toMatch(/\.gz: truncated data: gzip stream ends early/);
    const flipped = gz.slice();
    flipped[gz.length - 8]! ^= 0xff; // the CRC-32 trailer
    expect(formatError(() => parseIdx(flipped, `${FILE}.gz`)).problem).toBe('corrupt');
  });

  it('a header that declares a huge array fails before allocating anything', () => {
    const huge = idxBytes(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], []);
    expect(formatError(() => parseIdx(huge, FILE)).problem).toBe('truncated');
  });
});

describe('idxImageSet pairs images with labels', () => {
  it('reads images and labels, checking counts and ranges', () => {
    const p = idxPair(4, 2, 3, 10, 7, 6);
    const set = idxImageSet('x', { file: 'img', bytes: p.images }, { file: 'lab', bytes: p.labelBytes });
    expect(set.count).toBe(4);
    expect([set.channels, set.height, set.width]).toEqual([1, 2, 3]);
    expect(Array.from(set.labels)).toEqual([6, 7, 8, 9]);
    expect(Array.from(set.pixels(2))).toEqual(Array.from(p.pixels.subarray(12, 18)));
  });

  it('wrong label count names the label file and both counts', () => {
    const p = idxPair(4, 2, 3);
    const labels = idxBytes(0x08, [3], [1, 2, 3]);
    const e = formatError(() => idxImageSet('x', { file: 'img', bytes: p.images }, { file: 'lab', bytes: labels }));
    expect(e.problem).toBe('label-count');
    expect(e.message).toBe('lab: wrong label count: 3 labels for the 4 images of img');
  });

  it('a label outside 0…9 and images that are not [N, H, W]', () => {
    const p = idxPair(3, 2, 2);
    const labels = idxBytes(0x08, [3], [1, 10, 3]);
    expect(formatError(() => idxImageSet('x', { file: 'img', bytes: p.images }, { file: 'lab', bytes: labels })).message)
      .toBe('lab: label out of range: label 10 at index 1 is outside [0, 9]');
    const flat = idxBytes(0x08, [3, 4], new Uint8Array(12));
    expect(formatError(() => idxImageSet('x', { file: 'img', bytes: flat }, { file: 'lab', bytes: p.labelBytes })).problem).toBe('dimension-mismatch');
  });
});

// Property-based: whatever is done to a file, the reader either throws a DataFormatError naming the file or
// returns exactly what the (damaged) bytes say; it never throws anything else, loops, or invents data.
describe('properties over truncated and mutated files', () => {
  const pairArb = fc.record({ n: fc.integer({ min: 1, max: 6 }), h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }), seed: fc.nat() });

  it('every truncation of a raw or gzipped IDX file is rejected as truncated', () => {
    fc.assert(fc.property(pairArb, fc.boolean(), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), ({ n, h, w, seed }, gz, frac) => {
      const full = gz ? gzipSync(idxPair(n, h, w, 10, seed).images) : idxPair(n, h, w, 10, seed).images;
      const cut = full.subarray(0, Math.floor(frac * full.length));
      const e = formatError(() => parseIdx(cut, FILE));
      expect(e.message.startsWith(`${FILE}: `)).toBe(true);
      if (!gz || cut.length >= 2) expect(['truncated', 'corrupt']).toContain(e.problem);
    }), { numRuns: 300 });
  });

  it('a mutated raw IDX file is rejected, or read faithfully from the mutated bytes', () => {
    fc.assert(fc.property(pairArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), ({ n, h, w, seed }, edits) => {
      const bytes = idxPair(n, h, w, 10, seed).images.slice();
      for (const [at, v] of edits) bytes[at % bytes.length] = v;
      let parsed;
      try {
        parsed = parseIdx(bytes, FILE);
      } catch (err) {
        expect(err).toBeInstanceOf(DataFormatError);
        return;
      }
      // Accepted: the header must describe the bytes exactly, and the values must be the bytes that follow it.
      const header = 4 + 4 * bytes[3]!;
      const size = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 }[parsed.type];
      expect(parsed.dims.reduce((a, b) => a * b, 1) * size).toBe(bytes.length - header);
      if (parsed.type === 'uint8') expect(Array.from(parsed.data)).toEqual(Array.from(bytes.subarray(header)));
    }), { numRuns: 400 });
  });

  it('a mutated gzip IDX file is rejected, or yields exactly the original contents', () => {
    fc.assert(fc.property(pairArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), ({ n, h, w, seed }, edits) => {
      const raw = idxPair(n, h, w, 10, seed).images;
      const gz = gzipSync(raw).slice();
      for (const [at, v] of edits) gz[at % gz.length] = v;
      let parsed;
      try {
        parsed = parseIdx(gz, FILE);
      } catch (err) {
        expect(err).toBeInstanceOf(DataFormatError);
        return;
      }
      // The gzip CRC-32 guards the contents: only harmless header bytes (mtime, OS) can change unnoticed.
      expect(parsed.dims).toEqual([n, h, w]);
      expect(Array.from(parsed.data)).toEqual(Array.from(raw.subarray(16)));
    }), { numRuns: 400 });
  });

  it('mutated label files are rejected or read faithfully (every accepted label is in range)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (n, at, v) => {
      const p = idxPair(n, 2, 2);
      const labels = p.labelBytes.slice();
      labels[at % labels.length] = v;
      try {
        const set = idxImageSet('x', { file: 'img', bytes: p.images }, { file: 'lab', bytes: labels });
        expect(Array.from(set.labels)).toEqual(Array.from(labels.subarray(8)));
        expect(set.labels.every((l) => l < 10)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(DataFormatError);
        expect((err as DataFormatError).file).toMatch(/^(img|lab)$/);
      }
    }), { numRuns: 300 });
  });
});
