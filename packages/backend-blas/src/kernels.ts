// The addon's kernels for the `blas` backend (a wasm backend instance of its own), reading and writing its heap
// in place: BatchMatMul and _FusedMatMul on OpenBLAS (bias and ReLU/GELU in their epilogue), Sum and Mean over
// leading axes, and core's AdamW, GELU, layer/batch-norm and dense-GELU kernels; an Identity that shares buffers
// instead of copying; and a Slice that copies within the heap. Where a stock wasm kernel is replaced, cases not
// covered go to it. The addon is asked for when a kernel runs (`addon()`), so that registering the kernels never
// fails on a machine where it was not built: starting the backend reports that instead.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  BATCH_NORM_GRAD_KERNEL,
  BATCH_NORM_INFERENCE_KERNEL,
  BATCH_NORM_KERNEL,
  DENSE_GELU_KERNEL,
  FUSED_ADAMW_KERNEL,
  type FusedAdamWAttrs,
  GELU_GRAD_KERNEL,
  GELU_KERNEL,
  LAYER_NORM_GRAD_KERNEL,
  LAYER_NORM_KERNEL,
  type LayerNormAttrs,
  type LayerNormGradAttrs,
} from '@mlp-blocks/core';
import type { BlasAddon } from './addon.js';

type Inputs = Record<string, tf.TensorInfo | undefined>;
type Attrs = Record<string, unknown>;
type KernelArgs = { inputs: Inputs; backend: BackendWasm; attrs?: Attrs };
/** The loaded addon (loads it on first use). */
export type AddonSource = () => BlasAddon;

/**
 * A Float32Array over `t`'s bytes in the wasm heap. Take views only after the last allocation of a kernel:
 * a growing heap replaces the buffer that earlier views were made on.
 */
function heapView(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/**
 * Brings inputs held by another backend (a tensor made while `wasm` or `cpu` was active) onto this one's heap
 * before any view is taken: tfjs moves data lazily, on the first lookup, and a move allocates.
 */
function onThisBackend(backend: BackendWasm, ...tensors: Array<tf.TensorInfo | null | undefined>): void {
  for (const t of tensors) if (t != null) backend.dataIdMap.get(t.dataId);
}

/** The sizes of one product as the addon takes them, or null when the stock kernel must run it. */
interface Plan {
  batch: number;
  m: number;
  n: number;
  k: number;
  aBatched: boolean;
  bBatched: boolean;
  outShape: number[];
}

function plan(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): Plan | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) return null; // the stock kernel raises tfjs's own error
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  // Broadcasting beyond "same batch" or "one side unbatched" is left to the stock kernel.
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batch = Math.max(batchA, batchB);
  if (batch === 0 || tf.util.sizeFromShape(outer) !== batch) return null;
  return { batch, m, n, k, aBatched: batchA > 1, bBatched: batchB > 1, outShape: [...outer, m, n] };
}

/** The addon's epilogue activations. */
const enum Activation {
  Linear = 0,
  Relu = 1,
  Gelu = 2,
}

function run(
  addon: AddonSource,
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  p: Plan,
  transposeA: boolean,
  transposeB: boolean,
  bias: tf.TensorInfo | null,
  activation: Activation,
): tf.TensorInfo {
  onThisBackend(backend, a, b, bias);
  const out = backend.makeOutput(p.outShape, 'float32');
  const view = (t: tf.TensorInfo) => heapView(backend, t);
  addon().gemm(view(a), view(b), view(out), p.batch, p.m, p.n, p.k, transposeA, transposeB, p.aBatched, p.bBatched, bias ? view(bias) : null, activation);
  return out;
}

/** Sum and Mean over leading axes (a batch-norm's statistics, a bias gradient) without the stock transpose. */
function reductionKernels(addon: AddonSource, stock: Record<string, tf.KernelConfig>, backendName: string): tf.KernelConfig[] {
  const make = (name: string, mean: boolean): tf.KernelConfig => {
    const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
      const x = args.inputs['x']!;
      const keepDims = args.attrs?.['keepDims'] === true;
      const axes = tf.util.parseAxisParam(args.attrs?.['axis'] as number | number[], x.shape).sort((p, q) => p - q);
      const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
      if (x.dtype !== 'float32' || !leading || tf.util.sizeFromShape(x.shape) === 0) {
        return stock[name]!.kernelFunc(args as never) as tf.TensorInfo;
      }
      const rest = x.shape.slice(axes.length);
      onThisBackend(args.backend, x);
      const out = args.backend.makeOutput(rest, 'float32');
      const view = (t: tf.TensorInfo) => heapView(args.backend, t);
      addon().reduceRows(view(x), view(out), tf.util.sizeFromShape(x.shape.slice(0, axes.length)), tf.util.sizeFromShape(rest), mean);
      if (keepDims) out.shape = tf.backend_util.expandShapeToKeepDim(rest, axes);
      return out;
    };
    return { ...stock[name], kernelName: name, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
  };
  return [make(tf.Sum, false), make(tf.Mean, true)];
}

/**
 * Slice copying straight between views of the heap: the stock kernel first copies the whole input out of the heap
 * (`readSync`, a fresh ArrayBuffer each call: 1.2 ms for a 128×768 kernel here, where the copy proper takes
 * microseconds). A copy, so the same values; strings and booleans go to the stock kernel.
 */
function sliceKernel(stock: Record<string, tf.KernelConfig>, backendName: string): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs['x']!;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return stock[tf.Slice]!.kernelFunc(args as never) as tf.TensorInfo;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs?.['begin'] as number[], args.attrs?.['size'] as number[]) as [number[], number[]];
    onThisBackend(args.backend, x);
    const out = args.backend.makeOutput(size, x.dtype);
    const total = tf.util.sizeFromShape(size);
    if (total === 0) return out;
    const from = args.backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
    const to = args.backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const offset = tf.slice_util.computeFlatOffset(begin, strides);
      to.set(from.subarray(offset, offset + total));
      return out;
    }
    // Runs along the last axis, the leading indices counted like an odometer.
    const rank = x.shape.length;
    const run = size[rank - 1]!;
    const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
    for (let o = 0; o < total; o += run) {
      let offset = begin[rank - 1]!;
      for (let d = 0; d < rank - 1; d++) offset += (begin[d]! + index[d]!) * strides[d]!;
      if (run >= 16) to.set(from.subarray(offset, offset + run), o);
      else for (let j = 0; j < run; j++) to[o + j] = from[offset + j]!;
      for (let d = rank - 2; d >= 0; d--) {
        if (++index[d]! < size[d]!) break;
        index[d] = 0;
      }
    }
    return out;
  };
  return { ...stock[tf.Slice], kernelName: tf.Slice, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/**
 * Identity (tf.clone, and the outputs of every custom-gradient op) shares the input's buffer and counts a
 * reference, as the cpu backend does, instead of the stock wasm kernel's copy: no kernel writes into a buffer
 * that another tensor shares (AdamW's in-place update checks), so a shared buffer is never changed under anyone.
 */
function identityKernel(stock: Record<string, tf.KernelConfig>, backendName: string): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs['x']!;
    if (x.dtype === 'string') return stock[tf.Identity]!.kernelFunc(args as never) as tf.TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { ...stock[tf.Identity], kernelName: tf.Identity, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/**
 * Cast to the dtype a tensor already has (tfjs's Multiply gradient casts its other operand to float32 on every
 * call) shares the buffer as Identity does, as the cpu backend's Cast does, instead of copying it.
 */
function castKernel(stock: Record<string, tf.KernelConfig>, backendName: string): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs['x']!;
    if (x.dtype === 'string' || (args.attrs as { dtype?: string } | undefined)?.dtype !== x.dtype) {
      return stock[tf.Cast]!.kernelFunc(args as never) as tf.TensorInfo;
    }
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { ...stock[tf.Cast], kernelName: tf.Cast, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/**
 * The one-pass AdamW update in C on the wasm heap. With `inPlace` (core's contract: the caller replaces param, m
 * and v with the outputs) and no other tensor holding their buffers, it overwrites them and returns the same
 * buffers: no three fresh allocations, and writes to lines just read. Otherwise three fresh outputs.
 */
export function adamwKernel(addon: AddonSource, backendName: string): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo[] => {
    const { param, grad, m, v } = args.inputs as Record<string, tf.TensorInfo>;
    for (const [name, t] of Object.entries({ param, grad, m, v })) {
      if (t == null || t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, param!.shape)) {
        throw new Error(`${FUSED_ADAMW_KERNEL}: input ${name} must be float32 of shape [${param?.shape.join(', ')}]`);
      }
    }
    const { scalars, inPlace } = args.attrs as unknown as FusedAdamWAttrs;
    const backend = args.backend;
    onThisBackend(backend, param, grad, m, v);
    const updated = [param!, m!, v!];
    const ids = new Set([...updated, grad!].map((t) => t.dataId));
    // Only buffers that nothing else holds (a clone on blas shares its source's) and that are four distinct ones.
    const own = inPlace === true && ids.size === 4 && updated.every((t) => backend.refCount(t.dataId) === 1);
    const outs = own ? updated : updated.map(() => backend.makeOutput(param!.shape, 'float32'));
    const view = (t: tf.TensorInfo) => heapView(backend, t);
    addon().adamw(view(param!), view(grad!), view(m!), view(v!), view(outs[0]!), view(outs[1]!), view(outs[2]!), scalars);
    if (own) for (const t of outs) backend.incRef(t.dataId);
    return own ? outs.map((t) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype })) : outs;
  };
  return { kernelName: FUSED_ADAMW_KERNEL, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** Core's GELU kernels in one C pass each, forward and gradient (erf approximated as tfjs's Erf kernel does). */
export function geluKernels(addon: AddonSource, backendName: string): tf.KernelConfig[] {
  const float32 = (name: string, inputs: Record<string, tf.TensorInfo>) => {
    for (const [key, t] of Object.entries(inputs)) {
      if (t.dtype !== 'float32') throw new Error(`${name}: input ${key} must be float32, received ${t.dtype}`);
    }
  };
  const forward = (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs['x']!;
    float32(GELU_KERNEL, { x });
    onThisBackend(args.backend, x);
    const out = args.backend.makeOutput(x.shape, 'float32');
    addon().gelu(heapView(args.backend, x), heapView(args.backend, out));
    return out;
  };
  const gradient = (args: KernelArgs): tf.TensorInfo => {
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    float32(GELU_GRAD_KERNEL, { x: x!, dy: dy! });
    if (!tf.util.arraysEqual(x!.shape, dy!.shape)) {
      throw new Error(`${GELU_GRAD_KERNEL}: dy has shape [${dy!.shape.join(', ')}] but x has [${x!.shape.join(', ')}]`);
    }
    onThisBackend(args.backend, x, dy);
    const dx = args.backend.makeOutput(x!.shape, 'float32');
    const view = (t: tf.TensorInfo) => heapView(args.backend, t);
    addon().geluGrad(view(x!), view(dy!), view(dx));
    return dx;
  };
  return [
    { kernelName: GELU_KERNEL, backendName, kernelFunc: forward as unknown as tf.KernelFunc },
    { kernelName: GELU_GRAD_KERNEL, backendName, kernelFunc: gradient as unknown as tf.KernelFunc },
  ];
}

/**
 * Core's normalisation kernels in C, forward and gradient, bit-identical to core's tensor formula: layer norm
 * (last axis; per-row statistics) and batch norm in training (every axis but the last; per-channel statistics).
 * One pass-pair each instead of about ten wasm kernels, split over the loop threads.
 */
export function normKernels(addon: AddonSource, backendName: string): tf.KernelConfig[] {
  const check = (name: string, inputs: Record<string, tf.TensorInfo | undefined>, shapes: Record<string, number[]>) => {
    for (const [key, shape] of Object.entries(shapes)) {
      const t = inputs[key];
      if (t == null) throw new Error(`${name}: input ${key} is missing`);
      if (t.dtype !== 'float32') throw new Error(`${name}: input ${key} must be float32, received ${t.dtype}`);
      if (!tf.util.arraysEqual(t.shape, shape)) throw new Error(`${name}: input ${key} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  };
  const make = (forwardName: string, gradName: string, batch: boolean): tf.KernelConfig[] => {
    const sizes = (x: tf.TensorInfo | undefined, name: string) => {
      const minRank = batch ? 2 : 1;
      if (x == null || x.shape.length < minRank || x.shape[x.shape.length - 1]! < 1 || tf.util.sizeFromShape(x.shape) === 0) {
        throw new Error(`${name}: x must have rank ${minRank} or more and values`);
      }
      const c = x.shape[x.shape.length - 1]!;
      const statShape = batch ? [...x.shape.slice(0, -1).map(() => 1), c] : [...x.shape.slice(0, -1), 1];
      return { c, rows: tf.util.sizeFromShape(x.shape) / c, statShape };
    };
    const forward = (args: KernelArgs): tf.TensorInfo[] => {
      const { x, gamma, beta } = args.inputs;
      const { c, rows, statShape } = sizes(x, forwardName);
      check(forwardName, args.inputs, { x: x!.shape, ...(gamma ? { gamma: [c] } : {}), ...(beta ? { beta: [c] } : {}) });
      const { epsilon } = args.attrs as unknown as LayerNormAttrs;
      const backend = args.backend;
      onThisBackend(backend, x, gamma, beta);
      const y = backend.makeOutput(x!.shape, 'float32');
      const stats = (batch ? [0, 1, 2] : [0, 1]).map(() => backend.makeOutput(statShape, 'float32'));
      const view = (t: tf.TensorInfo) => heapView(backend, t);
      const [g, b] = [gamma ? view(gamma) : null, beta ? view(beta) : null];
      if (batch) addon().batchNorm(view(x!), g, b, view(y), view(stats[0]!), view(stats[1]!), view(stats[2]!), rows, c, epsilon);
      else addon().layerNorm(view(x!), g, b, view(y), view(stats[0]!), view(stats[1]!), rows, c, epsilon);
      return [y, ...stats];
    };
    const gradient = (args: KernelArgs): tf.TensorInfo[] => {
      const { x, mean, rstd, dy, gamma } = args.inputs;
      const { c, rows, statShape } = sizes(x, gradName);
      check(gradName, args.inputs, { x: x!.shape, mean: statShape, rstd: statShape, dy: x!.shape, ...(gamma ? { gamma: [c] } : {}) });
      const { hasBeta } = args.attrs as unknown as LayerNormGradAttrs;
      const backend = args.backend;
      onThisBackend(backend, x, mean, rstd, dy, gamma);
      const dx = backend.makeOutput(x!.shape, 'float32');
      const dgamma = gamma ? backend.makeOutput([c], 'float32') : null;
      const dbeta = hasBeta ? backend.makeOutput([c], 'float32') : null;
      const view = (t: tf.TensorInfo) => heapView(backend, t);
      const grad = batch ? addon().batchNormGrad : addon().layerNormGrad;
      grad(view(x!), view(mean!), view(rstd!), view(dy!), gamma ? view(gamma) : null, view(dx), dgamma ? view(dgamma) : null, dbeta ? view(dbeta) : null, rows, c);
      return [dx, ...(dgamma ? [dgamma] : []), ...(dbeta ? [dbeta] : [])];
    };
    return [
      { kernelName: forwardName, backendName, kernelFunc: forward as unknown as tf.KernelFunc },
      { kernelName: gradName, backendName, kernelFunc: gradient as unknown as tf.KernelFunc },
    ];
  };
  // A batch norm in evaluation, with the running statistics as inputs: one pass.
  const inference = (args: KernelArgs): tf.TensorInfo => {
    const { x, mean, variance, gamma, beta } = args.inputs;
    if (x == null || x.shape.length < 1 || tf.util.sizeFromShape(x.shape) === 0) throw new Error(`${BATCH_NORM_INFERENCE_KERNEL}: x must have values`);
    const c = x.shape[x.shape.length - 1]!;
    check(BATCH_NORM_INFERENCE_KERNEL, args.inputs, { x: x.shape, mean: [c], variance: [c], ...(gamma ? { gamma: [c] } : {}), ...(beta ? { beta: [c] } : {}) });
    const { epsilon } = args.attrs as unknown as LayerNormAttrs;
    const backend = args.backend;
    onThisBackend(backend, x, mean, variance, gamma, beta);
    const y = backend.makeOutput(x.shape, 'float32');
    const view = (t: tf.TensorInfo) => heapView(backend, t);
    addon().batchNormInference(view(x), view(mean!), view(variance!), gamma ? view(gamma) : null, beta ? view(beta) : null, view(y), tf.util.sizeFromShape(x.shape) / c, c, epsilon);
    return y;
  };
  return [
    ...make(LAYER_NORM_KERNEL, LAYER_NORM_GRAD_KERNEL, false),
    ...make(BATCH_NORM_KERNEL, BATCH_NORM_GRAD_KERNEL, true),
    { kernelName: BATCH_NORM_INFERENCE_KERNEL, backendName, kernelFunc: inference as unknown as tf.KernelFunc },
  ];
}

/**
 * Core's DENSE_GELU_KERNEL: gelu(a·b + bias) with the bias and GELU in the product's epilogue (inference only),
 * the same values as the product, the Add and GELU_KERNEL apart.
 */
export function denseGeluKernel(addon: AddonSource, backendName: string): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const { a, b, bias } = args.inputs;
    const p = a && b && a.shape.length === 2 && b.shape.length === 2 ? plan(a, b, false, false) : null;
    if (p == null) {
      throw new Error(`${DENSE_GELU_KERNEL}: a and b must be float32 matrices [m, k] and [k, n], received [${a?.shape.join(', ')}] and [${b?.shape.join(', ')}]`);
    }
    if (bias != null && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== p.n)) {
      throw new Error(`${DENSE_GELU_KERNEL}: bias must be float32 of shape [${p.n}], received ${bias.dtype} [${bias.shape.join(', ')}]`);
    }
    return run(addon, args.backend, a!, b!, p, false, false, bias ?? null, Activation.Gelu);
  };
  return { kernelName: DENSE_GELU_KERNEL, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/**
 * Kernel configs for `backendName` that call the addon, falling back to `stock` (the wasm package's own configs)
 * where it does not apply.
 */
export function blasKernels(addon: AddonSource, stock: Record<string, tf.KernelConfig>, backendName: string): tf.KernelConfig[] {
  const batchMatMul = (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transposeA = args.attrs?.['transposeA'] === true;
    const transposeB = args.attrs?.['transposeB'] === true;
    const p = plan(a, b, transposeA, transposeB);
    if (p == null) return stock[tf.BatchMatMul]!.kernelFunc(args as never) as tf.TensorInfo;
    return run(addon, args.backend, a, b, p, transposeA, transposeB, null, Activation.Linear);
  };
  const fusedMatMul = (args: KernelArgs): tf.TensorInfo => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const transposeA = args.attrs?.['transposeA'] === true;
    const transposeB = args.attrs?.['transposeB'] === true;
    const activation = (args.attrs?.['activation'] as string | undefined) ?? 'linear';
    const p = plan(a!, b!, transposeA, transposeB);
    const biasFits = bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === p?.n);
    if (p == null || !biasFits || preluActivationWeights != null || (activation !== 'linear' && activation !== 'relu')) {
      return stock[tf._FusedMatMul]!.kernelFunc(args as never) as tf.TensorInfo;
    }
    return run(addon, args.backend, a!, b!, p, transposeA, transposeB, bias ?? null, activation === 'relu' ? Activation.Relu : Activation.Linear);
  };
  return [
    ...reductionKernels(addon, stock, backendName),
    identityKernel(stock, backendName),
    castKernel(stock, backendName),
    sliceKernel(stock, backendName),
    // The stock setup functions bind the fallbacks' wasm entry points to the backend being set (tfjs runs every
    // kernel's setupFunc on each tf.setBackend), so they keep working here.
    { ...stock[tf.BatchMatMul], kernelName: tf.BatchMatMul, backendName, kernelFunc: batchMatMul as unknown as tf.KernelFunc },
    { ...stock[tf._FusedMatMul], kernelName: tf._FusedMatMul, backendName, kernelFunc: fusedMatMul as unknown as tf.KernelFunc },
  ];
}
