// Bicubic resampling as PyTorch computes it for F.interpolate(x, size, mode='bicubic', align_corners=False,
// antialias=False): Keys' cubic convolution with A = -0.75, source coordinate (dst + 0.5)·(in/out) − 0.5 (not
// clamped at 0 for the cubic mode), the four taps floor(src)−1 … floor(src)+2 clamped to the image border,
// applied along x, then along y. No antialiasing, so a ×2 downsample is a fixed 4×4 stencil.

const A = -0.75;

/** Taps and weights for one axis: for output position o, indices idx[4o..4o+3] with weights w[4o..4o+3]. */
interface AxisTable {
  readonly idx: Int32Array;
  readonly w: Float32Array;
}

function axisTable(inSize: number, outSize: number): AxisTable {
  const scale = inSize / outSize;
  const idx = new Int32Array(4 * outSize);
  const w = new Float32Array(4 * outSize);
  for (let o = 0; o < outSize; o++) {
    const src = Math.fround(scale * (o + 0.5) - 0.5);
    const base = Math.min(Math.floor(src), inSize - 1);
    const t = Math.min(Math.max(src - base, 0), 1);
    const coeffs = [cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)];
    for (let k = 0; k < 4; k++) {
      idx[4 * o + k] = Math.min(Math.max(base - 1 + k, 0), inSize - 1);
      w[4 * o + k] = coeffs[k]!;
    }
  }
  return { idx, w };
}

/** Keys' kernel for |x| ≤ 1. */
function cubic1(x: number): number {
  return ((A + 2) * x - (A + 3)) * x * x + 1;
}

/** Keys' kernel for 1 < |x| < 2. */
function cubic2(x: number): number {
  return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
}

/** Output size of the ×2 super-resolution input: (H // 2, W // 2), as the authors' code computes it. */
export function halfSize(height: number, width: number): [number, number] {
  return [Math.floor(height / 2), Math.floor(width / 2)];
}

/**
 * A resampler from C×H×W to C×outH×outW images (CHW float arrays). The tables are built once, so a resampler
 * is cheap to apply to many images.
 */
export function bicubicResampler(channels: number, height: number, width: number, outHeight: number, outWidth: number) {
  for (const [name, v] of Object.entries({ channels, height, width, outHeight, outWidth })) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`bicubicResampler: ${name} must be a positive integer, received ${v}`);
  }
  const ty = axisTable(height, outHeight);
  const tx = axisTable(width, outWidth);
  const rows = new Float32Array(4 * outWidth); // the 4 source rows of one output row, filtered along x

  /** Resamples `src` (at `srcOffset`) into `out` (at `outOffset`); both CHW. */
  return function resample(src: ArrayLike<number>, out: Float32Array, srcOffset = 0, outOffset = 0): void {
    for (let c = 0; c < channels; c++) {
      const plane = srcOffset + c * height * width;
      const outPlane = outOffset + c * outHeight * outWidth;
      for (let oy = 0; oy < outHeight; oy++) {
        for (let k = 0; k < 4; k++) {
          const row = plane + ty.idx[4 * oy + k]! * width;
          for (let ox = 0; ox < outWidth; ox++) {
            const j = 4 * ox;
            rows[k * outWidth + ox] =
              src[row + tx.idx[j]!]! * tx.w[j]! + src[row + tx.idx[j + 1]!]! * tx.w[j + 1]! +
              src[row + tx.idx[j + 2]!]! * tx.w[j + 2]! + src[row + tx.idx[j + 3]!]! * tx.w[j + 3]!;
          }
        }
        const wy = 4 * oy;
        for (let ox = 0; ox < outWidth; ox++) {
          out[outPlane + oy * outWidth + ox] =
            rows[ox]! * ty.w[wy]! + rows[outWidth + ox]! * ty.w[wy + 1]! +
            rows[2 * outWidth + ox]! * ty.w[wy + 2]! + rows[3 * outWidth + ox]! * ty.w[wy + 3]!;
        }
      }
    }
  };
}

/** Resamples a batch of N×C×H×W images (CHW per image) to N×C×outH×outW. */
export function bicubicResize(src: ArrayLike<number>, shape: readonly [number, number, number, number], outHeight: number, outWidth: number): Float32Array {
  const [n, c, h, w] = shape;
  const resample = bicubicResampler(c, h, w, outHeight, outWidth);
  const out = new Float32Array(n * c * outHeight * outWidth);
  for (let i = 0; i < n; i++) resample(src, out, i * c * h * w, i * c * outHeight * outWidth);
  return out;
}
