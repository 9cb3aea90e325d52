// `mlp-blocks predict <run-dir | model-dir | pretrained-name> --out <dir>`: runs a saved model on the first N
// examples of a split (or on the examples of an .npy file) and writes its outputs as .npy, plus one PNG per output
// when the outputs are images. Registers `evaluate` too, so program.ts adds both with one line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { PNG } from 'pngjs';
import { parseNpy } from '@mlp-blocks/datasets';
import type { BackendName } from '@mlp-blocks/backends/node';
import { writeFileAtomic } from '@mlp-blocks/train';
import { inferImageShape } from '../report/png.js';
import { ensureWritableDir } from '../run/out-dir.js';
import type { DataLoader } from '../run/tasks.js';
import { positiveInt } from './args.js';
import { type CommandContext, SPLITS, type Target, type TargetArgs, loadTarget, loadTargetSplit, modelInputShape, registerEvaluate, toModelInput, withTargetFlags } from './evaluate.js';

/** Options of `predict`. */
export interface PredictArgs extends TargetArgs {
  out: string;
  split: (typeof SPLITS)[number];
  count: number;
  input?: string;
  png: boolean;
}

/** What `predict --json` prints. */
export interface PredictResult {
  target: string;
  kind: Target['kind'];
  /** Where the inputs came from: "<dataset>/<task>/<split>" or the .npy file. */
  source: string;
  count: number;
  inputShape: number[];
  outputShape: number[];
  /** The files written, relative to --out. */
  files: string[];
  /** For classifiers (1-D outputs that are not images): the index of the largest output of each example. */
  classes?: number[];
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** NumPy .npy (format 1.0) bytes of a little-endian float32 C-order array. */
export function npyBytes(values: Float32Array, shape: readonly number[]): Uint8Array {
  if (product(shape) !== values.length) throw new Error(`npyBytes: shape [${shape.join(', ')}] needs ${product(shape)} values, received ${values.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64 and ending in a newline.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const body = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => body.setFloat32(4 * i, v, true));
  return out;
}

/** One image as PNG bytes at its own size (8-bit RGB, values clipped to [0, 1]). */
export function imagePng(values: Float32Array, [h, w, c]: [number, number, number], layout: 'chw' | 'hwc'): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < 3; ch++) {
        const k = c === 1 ? 0 : ch;
        const v = values[layout === 'chw' ? k * h * w + y * w + x : (y * w + x) * c + k]!;
        png.data[(y * w + x) * 4 + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
      png.data[(y * w + x) * 4 + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/** The examples of an .npy file as a float32 tensor [N, ...], checked against the model's input size. */
function readInputNpy(file: string, t: Target): tf.Tensor {
  const abs = path.resolve(file);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(abs);
  } catch (e) {
    throw new Error(`--input: cannot read ${abs} (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message})`);
  }
  let arr: ReturnType<typeof parseNpy>;
  try {
    arr = parseNpy(bytes, abs);
  } catch (e) {
    throw new Error(`--input: ${(e as Error).message}`);
  }
  const [n, ...each] = arr.shape;
  const want = modelInputShape(t, product(each));
  if (n === undefined || n === 0 || product(each) !== product(want)) {
    throw new Error(`--input: ${abs} has shape (${arr.shape.join(', ')}); ${t.label} needs (N, ${want.join(', ')}) or N examples of ${product(want)} values`);
  }
  // uint8 images are read as bytes / 255, the scale the data sets hand the models.
  const values = arr.data instanceof Uint8Array ? Float32Array.from(arr.data, (v) => v / 255) : Float32Array.from(arr.data);
  return tf.tensor(values, [n, ...each], 'float32');
}

/** Runs a target on its inputs and writes outputs.npy (and inputs.npy, targets.npy, PNGs) into --out. */
export async function predictTarget(target: string, a: PredictArgs, loadData: DataLoader): Promise<PredictResult> {
  const out = path.resolve(a.out);
  ensureWritableDir('--out', out); // before the model and the data load
  const t = await loadTarget(target, a);
  const tensors: tf.Tensor[] = [];
  let dispose = () => {};
  try {
    let x: tf.Tensor;
    let y: tf.Tensor | null = null;
    let source: string;
    let layout: 'chw' | 'hwc' = 'chw';
    let imageShape: [number, number, number] | undefined;
    if (a.input) {
      x = readInputNpy(a.input, t);
      source = path.resolve(a.input);
    } else {
      const { data, splits } = await loadTargetSplit(t, a.split, a, loadData);
      dispose = () => splits.dispose?.();
      layout = splits.layout ?? 'chw';
      imageShape = splits.imageShape;
      const n = Math.min(a.count, data.size);
      ({ x, y } = data.batch(Int32Array.from({ length: n }, (_, i) => i), 0));
      tensors.push(y);
      source = data.name;
    }
    tensors.push(x);
    const input = toModelInput(x, t, layout);
    tensors.push(input);
    const output = t.model.apply(input, { training: false }) as tf.Tensor;
    tensors.push(output);
    const [n, ...each] = output.shape as number[];
    const values = Float32Array.from(await output.data());
    const files: string[] = [];
    const write = (name: string, data: Uint8Array) => {
      writeFileAtomic(path.join(out, name), data);
      files.push(name);
    };
    write('outputs.npy', npyBytes(values, output.shape));
    write('inputs.npy', npyBytes(Float32Array.from(await x.data()), x.shape));
    if (y) write('targets.npy', npyBytes(Float32Array.from(await y.data()), y.shape));
    // Image outputs: channel-last tensors as they are; flat ones as the data set's images (or square ones).
    const size = product(each);
    const picture: [number, number, number] | null = t.task === 'classify' ? null // logits, whatever their count
      : each.length === 3 ? (each as [number, number, number])
        : imageShape && product(imageShape) === size ? imageShape : inferImageShape(size);
    const pictureLayout = each.length === 3 ? 'hwc' : layout;
    if (a.png && picture && size > 1) {
      const digits = Math.max(4, String(n! - 1).length);
      for (let i = 0; i < n!; i++) write(`output-${String(i).padStart(digits, '0')}.png`, imagePng(values.subarray(i * size, (i + 1) * size), picture, pictureLayout));
    }
    const result: PredictResult = { target, kind: t.kind, source, count: n!, inputShape: x.shape.slice(1), outputShape: each, files };
    if (each.length === 1 && (t.task ? t.task === 'classify' : !picture)) {
      result.classes = Array.from({ length: n! }, (_, i) => {
        const row = values.subarray(i * size, (i + 1) * size);
        return row.indexOf(Math.max(...row));
      });
    }
    return result;
  } finally {
    tf.dispose(tensors);
    dispose();
    t.model.dispose();
  }
}

/** Registers `evaluate` and `predict` on the program. */
export function registerInference(program: Command, ctx: CommandContext): void {
  registerEvaluate(program, ctx);
  ctx.withPlugins(withTargetFlags(program
    .command('predict')
    .description('run a saved model (run directory, model folder or pretrained name) on the first examples of a split or an .npy file; write outputs.npy and PNGs of image outputs')
    .argument('<run-dir-or-model>', 'a run directory, a model folder (model.json + weights.bin), or a pretrained name (with --plugin @mlp-blocks/pretrained)'), ctx)
    .requiredOption('--out <dir>', 'where to write outputs.npy, inputs.npy, targets.npy and output-NNNN.png')
    .option('--count <n>', 'how many examples of the split', positiveInt('--count'), 8)
    .option('--input <file.npy>', 'predict on the examples of this .npy file (float, or uint8 read as /255) instead of a split')
    .option('--no-png', 'write no PNGs'))
    .action(async (target: string, opts: PredictArgs & { backend: BackendName; json?: boolean; plugin: string[] }) => {
      await ctx.usePlugins(opts);
      await ctx.useBackend(opts.backend);
      const r = await predictTarget(target, opts, ctx.loadData);
      const pngs = r.files.filter((f) => f.endsWith('.png')).length;
      process.stdout.write(opts.json ? `${JSON.stringify(r)}\n`
        : `predicted ${r.count} examples of ${r.source} with ${r.kind} ${r.target}: outputs [${r.outputShape.join(', ')}] each; wrote ${path.resolve(opts.out)} (${r.files.filter((f) => !f.endsWith('.png')).join(', ')}${pngs ? `, ${pngs} PNGs` : ''})${r.classes ? `\nclasses ${r.classes.join(' ')}` : ''}\n`);
    });
}
