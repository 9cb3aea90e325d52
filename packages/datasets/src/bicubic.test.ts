// Bicubic resampling against PyTorch: fixtures/bicubic.json was written by fixtures/make_fixtures.py with
// F.interpolate(x, size, mode='bicubic', align_corners=False, antialias=False) under Debian's python3-torch.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bicubicResampler, bicubicResize, halfSize } from './bicubic.js';

interface Case { label: string; shape: [number, number, number, number]; out: [number, number]; input_u8: number[]; output: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/bicubic.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('bicubic resampling matches PyTorch', () => {
  it.each(fixture.cases)('$label: max |ours − torch| < 1e-5', (c) => {
    const input = Float32Array.from(c.input_u8, (v) => Math.fround(v / 255));
    const ours = bicubicResize(input, c.shape, c.out[0], c.out[1]);
    expect(ours.length).toBe(c.output.length);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - c.output[i]!));
    expect(worst).toBeLessThan(1e-5);
  });

  it('the fixtures exercise overshoot: bicubic leaves [0, 1] on some pixels, and so do we (no clamping)', () => {
    const all = fixture.cases.flatMap((c) => c.output);
    expect(Math.min(...all)).toBeLessThan(0);
    expect(Math.max(...all)).toBeGreaterThan(1);
  });
});

describe('bicubic properties', () => {
  it('keeps a constant image constant (the weights sum to 1) and halves sizes like H // 2', () => {
    expect(halfSize(28, 28)).toEqual([14, 14]);
    expect(halfSize(7, 9)).toEqual([3, 4]);
    const out = new Float32Array(2 * 3 * 4);
    bicubicResampler(2, 7, 9, 3, 4)(new Float32Array(2 * 7 * 9).fill(0.37), out);
    for (const v of out) expect(v).toBeCloseTo(0.37, 6);
  });

  it('×2 downsampling of a horizontal ramp samples between source pixels 2o and 2o+1', () => {
    // Inside the image the ×2 stencil is (−0.09375, 0.59375, 0.59375, −0.09375) on 2o−1 … 2o+2; on a linear
    // ramp that is exactly the midpoint 2o + 0.5.
    const w = 16;
    const ramp = Float32Array.from({ length: w * w }, (_, i) => i % w);
    const out = new Float32Array((w / 2) * (w / 2));
    bicubicResampler(1, w, w, w / 2, w / 2)(ramp, out);
    for (let o = 1; o < w / 2 - 1; o++) expect(out[3 * (w / 2) + o]).toBeCloseTo(2 * o + 0.5, 5);
  });

  it('rejects a non-positive size, naming it', () => {
    expect(() => bicubicResampler(1, 0, 4, 1, 1)).toThrow(/height must be a positive integer, received 0/);
  });
});
