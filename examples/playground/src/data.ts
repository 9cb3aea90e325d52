// The MNIST slice written by scripts/prepare-assets.mjs: a 20-byte header of five little-endian uint32
// (magic "MNS1", train count, test count, rows, cols), then train and test images as raw uint8 pixels.
const MAGIC = 0x314e534d;

/** Digits as float pixels in [0, 1], one row of rows·cols values per image. */
export interface MnistSlice {
  train: Float32Array;
  test: Float32Array;
  trainCount: number;
  testCount: number;
  rows: number;
  cols: number;
}

/** Parses the slice's bytes; `source` names the file in errors. */
export function parseSlice(bytes: ArrayBuffer, source: string): MnistSlice {
  if (bytes.byteLength < 20) throw new Error(`${source}: ${bytes.byteLength} bytes, too short for the 20-byte header`);
  const view = new DataView(bytes);
  const [magic, trainCount, testCount, rows, cols] = [0, 1, 2, 3, 4].map((i) => view.getUint32(4 * i, true)) as [number, number, number, number, number];
  if (magic !== MAGIC) throw new Error(`${source}: magic 0x${magic.toString(16)} is not an MNIST slice (0x${MAGIC.toString(16)}); run the build step again`);
  const pixels = rows * cols;
  const expected = 20 + (trainCount + testCount) * pixels;
  if (bytes.byteLength !== expected) throw new Error(`${source}: ${bytes.byteLength} bytes, the header promises ${expected}`);
  const all = new Uint8Array(bytes, 20);
  const toFloat = (from: number, count: number) => Float32Array.from(all.subarray(from * pixels, (from + count) * pixels), (v) => v / 255);
  return { train: toFloat(0, trainCount), test: toFloat(trainCount, testCount), trainCount, testCount, rows, cols };
}

/** Fetches and parses the slice served at `url`. */
export async function loadSlice(url: string): Promise<MnistSlice> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} (run \`pnpm --filter playground assets\` to generate it)`);
  return parseSlice(await response.arrayBuffer(), url);
}
