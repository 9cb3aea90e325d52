import { PNG } from 'pngjs';
import type { Samples } from '../run/samples.js';

/** Grid geometry: outer margin, gap between images, gap between families (pixels). */
export const GRID = { margin: 4, gap: 4, familyGap: 12, minSide: 56 } as const;

/** [height, width, channels] of a flattened image of `size` values: square grey, or square colour (3 planes). */
export function inferImageShape(size: number): [number, number, number] | null {
  const grey = Math.round(Math.sqrt(size));
  if (grey * grey === size) return [grey, grey, 1];
  const colour = Math.round(Math.sqrt(size / 3));
  if (size % 3 === 0 && colour * colour * 3 === size) return [colour, colour, 3];
  return null;
}

/** One image to draw: values in [0, 1], shape and channel layout. */
interface Picture {
  data: Float32Array;
  shape: [number, number, number];
  layout: 'chw' | 'hwc';
}

/** A family's row group: K inputs, K outputs, K targets. */
export interface FamilySamples {
  family: string;
  samples: Samples;
}

/** The size a grid of these families will have (for callers and tests). */
export function gridSize(families: number, columns: number, cell: [number, number]): { width: number; height: number } {
  const [h, w] = cell;
  return {
    width: 2 * GRID.margin + columns * w + (columns - 1) * GRID.gap,
    height: 2 * GRID.margin + families * (3 * h + 2 * GRID.gap) + (families - 1) * GRID.familyGap,
  };
}

/**
 * A PNG grid: for each family three rows (inputs, outputs, targets) of its first K samples, images scaled up
 * by a whole factor to at least 56 px (inputs of another size, e.g. super-resolution, are scaled to the
 * target's size). Returns null when no family has image-shaped targets.
 */
export function samplesPng(groups: readonly FamilySamples[]): { png: Buffer; width: number; height: number; scale: number; cell: [number, number] } | null {
  const usable = groups.filter((g) => (g.samples.imageShape ?? inferImageShape(product(g.samples.targetShape))) !== null);
  if (usable.length === 0) return null;
  const shapeOf = (g: FamilySamples) => g.samples.imageShape ?? inferImageShape(product(g.samples.targetShape))!;
  const base = shapeOf(usable[0]!);
  const scale = Math.max(1, Math.ceil(GRID.minSide / base[0]));
  const cell: [number, number] = [base[0] * scale, base[1] * scale];
  const columns = Math.max(...usable.map((g) => g.samples.count));
  const { width, height } = gridSize(usable.length, columns, cell);
  const png = new PNG({ width, height }); // RGBA in memory, written as 8-bit RGB
  // Background: white, so the dark MNIST-like images stand out.
  png.data.fill(255);
  usable.forEach((g, f) => {
    const s = g.samples;
    const tShape = shapeOf(g);
    const inSize = product(s.inputShape);
    const inShape = inferImageShape(inSize) ?? null;
    const outSize = product(s.targetShape);
    const rows: Array<(i: number) => Picture | null> = [
      (i) => (inShape ? { data: s.inputs.subarray(i * inSize, (i + 1) * inSize), shape: inShape, layout: s.layout } : null),
      (i) => ({ data: s.outputs.subarray(i * outSize, (i + 1) * outSize), shape: tShape, layout: s.layout }),
      (i) => ({ data: s.targets.subarray(i * outSize, (i + 1) * outSize), shape: tShape, layout: s.layout }),
    ];
    rows.forEach((row, r) => {
      for (let i = 0; i < s.count; i++) {
        const pic = row(i);
        if (!pic) continue;
        const top = GRID.margin + f * (3 * cell[0] + 2 * GRID.gap + GRID.familyGap) + r * (cell[0] + GRID.gap);
        const left = GRID.margin + i * (cell[1] + GRID.gap);
        draw(png, pic, top, left, cell);
      }
    });
  });
  return { png: PNG.sync.write(png, { colorType: 2 }), width, height, scale, cell };
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Draws a picture into a cell, nearest-neighbour scaled to the cell. */
function draw(png: PNG, pic: Picture, top: number, left: number, cell: [number, number]): void {
  const [h, w, c] = pic.shape;
  const at = (y: number, x: number, ch: number) => (pic.layout === 'chw' ? ch * h * w + y * w + x : (y * w + x) * c + ch);
  for (let y = 0; y < cell[0]; y++) {
    const sy = Math.floor((y * h) / cell[0]);
    for (let x = 0; x < cell[1]; x++) {
      const sx = Math.floor((x * w) / cell[1]);
      const o = ((top + y) * png.width + left + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const v = pic.data[at(sy, sx, c === 1 ? 0 : ch)]!;
        png.data[o + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
}
