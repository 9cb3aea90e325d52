// Image operations behind MAXIM's layers. tfjs-backend-wasm (and blas on it) has no Conv2DBackpropFilter, so
// convolutions run the backend's Conv2D with a custom gradient whose kernel part is products, and the transposed
// convolution is a product followed by depth-to-space.
import * as tf from '@tensorflow/tfjs-core';
import { dense } from '@mlp-blocks/core';

/** Rows of [batch, height, width, channels] tensors, with a readable error for anything else. */
export function imageDims(x: tf.Tensor): [number, number, number, number] {
  if (x.rank !== 4) throw new Error(`expected images [batch, height, width, channels], received shape [${x.shape.join(', ')}]`);
  return x.shape as [number, number, number, number];
}

/** Zero-pads images at the bottom and right to `height` × `width` (no-op when already that size). */
export function padBottomRight(x: tf.Tensor, height: number, width: number): tf.Tensor {
  const [, h, w] = imageDims(x);
  if (h === height && w === width) return x;
  return tf.pad(x, [[0, 0], [0, height - h], [0, width - w], [0, 0]]);
}

/** The top-left `height` × `width` of images (no-op when already that size). */
export function cropTopLeft(x: tf.Tensor, height: number, width: number): tf.Tensor {
  const [b, h, w, c] = imageDims(x);
  if (h === height && w === width) return x;
  return tf.slice(x, [0, 0, 0, 0], [b, height, width, c]);
}

/**
 * Images [b, gh·fh, gw·fw, c] → [b, gh·gw, fh·fw, c]: the (gh, gw) grid of fh × fw patches, patch-major
 * (row-major over the grid, then row-major within a patch), as the authors' `block_images_einops`.
 * Rank-4 transposes only, which every backend runs fast.
 */
export function blockImages(x: tf.Tensor, fh: number, fw: number): tf.Tensor {
  const [b, h, w, c] = imageDims(x);
  const gh = h / fh;
  const gw = w / fw;
  const t = tf.transpose(tf.reshape(x, [b * gh, fh, gw, fw * c]), [0, 2, 1, 3]);
  return tf.reshape(t, [b, gh * gw, fh * fw, c]);
}

/** The inverse of {@link blockImages}: [b, gh·gw, fh·fw, c] → [b, gh·fh, gw·fw, c]. */
export function unblockImages(x: tf.Tensor, gh: number, gw: number, fh: number, fw: number): tf.Tensor {
  const [b, , , c] = imageDims(x);
  const t = tf.transpose(tf.reshape(x, [b * gh, gw, fh, fw * c]), [0, 2, 1, 3]);
  return tf.reshape(t, [b, gh * fh, gw * fw, c]);
}

/** XLA/Flax 'SAME' padding along one axis: [before, after, output size] for a kernel k and stride s. */
export function samePadding(size: number, k: number, s: number): [number, number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before, out];
}

/** Whether the active backend has the kernels behind {@link conv2dSame}'s native path. */
function hasNativeConv(): boolean {
  const name = tf.getBackend();
  return tf.getKernel('Conv2D', name) != null && tf.getKernel('Conv2DBackpropInput', name) != null;
}

/**
 * The (i, j) shifted (and strided) view of already padded images, [b, oh, ow, cin]: the input pixels that kernel
 * tap (i, j) meets. A stride s takes every s-th row and column by reshaping a window of s·out rows to [out, s] and
 * keeping index 0 (reshape and slice: every backend can differentiate them).
 */
function shiftedView(padded: tf.Tensor, i: number, j: number, stride: number, oh: number, ow: number): tf.Tensor {
  const [b, , , cin] = imageDims(padded);
  const v = tf.slice(padded, [0, i, j, 0], [b, stride * oh, stride * ow, cin]);
  if (stride === 1) return v;
  return tf.reshape(tf.slice(tf.reshape(v, [b * oh, stride, ow, stride * cin]), [0, 0, 0, 0], [b * oh, 1, ow, cin]), [b, oh, ow, cin]);
}

/** Kernel taps (i, j) in the kernel's row-major order. */
function taps(kh: number, kw: number): [number, number][] {
  return Array.from({ length: kh * kw }, (_, t) => [Math.floor(t / kw), t % kw]);
}

/**
 * The gradient of a 'VALID' convolution of padded images with respect to its kernel, itself a convolution: the images with batch and
 * channels swapped ([cin, h, w, b]) convolved with dy as the filter ([oh, ow, b, cout], dilated by the stride) give
 * [cin, kh, kw, cout]. Two transposes and the backend's Conv2D, instead of kh·kw shifted copies of the batch.
 */
function kernelGradient(xp: tf.Tensor4D, dy: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const images = tf.transpose(xp, [3, 1, 2, 0]);
    const filter = tf.transpose(dy, [1, 2, 0, 3]);
    return tf.transpose(tf.conv2d(images, filter, 1, 'valid', 'NHWC', stride), [1, 2, 0, 3]);
  });
}

/** Explicit padding [[0, 0], [top, bottom], [left, right], [0, 0]] of images. */
type Pads = [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * The input gradient of a stride-1 convolution with padding `pads`: dy padded by kh − 1 − top above (and so on)
 * convolved with the kernel flipped and its channels swapped. The backend's Conv2D, where wasm's
 * Conv2DBackpropInput is a plain loop about fifteen times slower than its (XNNPACK) Conv2D here, and no crop of a
 * padded gradient (wasm's Slice copies on the JavaScript side).
 */
function inputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, pads: Pads): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernel.shape;
    const [, [top, bottom], [left, right]] = pads;
    const flipped = tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(dy, flipped, 1, [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]]);
  });
}

/**
 * A convolution with explicit padding on the backend's own Conv2D kernel, with a custom gradient made of Conv2D
 * too ({@link inputGradient}, {@link kernelGradient}; a strided input gradient uses Conv2DBackpropInput): no backend
 * of tfjs 4.22 but cpu and tensorflow has Conv2DBackpropFilter, and the im2col this replaces, materialised for a
 * 128-image batch, was most of the wasm heap. `pads` must cover every window exactly (as 'SAME' padding does).
 */
function conv2dNative(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, pads: Pads): tf.Tensor {
  const run = tf.customGrad(((xs: tf.Tensor4D, k: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([xs, k]);
    return {
      value: tf.conv2d(xs, k, stride, pads),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xv, kv] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const dx = stride === 1 ? inputGradient(g, kv, pads) : tf.conv2dTranspose(g, kv, xv.shape, stride, pads);
        return [dx, tf.tidy(() => kernelGradient(tf.pad(xv, pads), g, stride))];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (xs: tf.Tensor, k: tf.Tensor) => tf.Tensor;
  return run(x, kernel);
}

/**
 * A 2-D convolution with 'SAME' padding (Flax's default), kernel in Flax's HWIO layout [kh, kw, in, out]. The
 * input is padded as XLA pads (the extra pixel of an odd total at the end) and convolved 'VALID'. 1 × 1
 * convolutions are one product. Backends with Conv2D and Conv2DBackpropInput kernels (cpu, wasm, blas, webgpu,
 * tensorflow) run `conv2dValidNative` (below); any other backend gets im2col — the shifted views concatenated on
 * channels, in the kernel's row-major order, times the kernel reshaped to [kh·kw·in, out].
 */
export function conv2dSame(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null, stride: number): tf.Tensor {
  return tf.tidy(() => {
    const [, h, w, cin] = imageDims(x);
    const [kh, kw, , cout] = kernel.shape as [number, number, number, number];
    if (kh === 1 && kw === 1 && stride === 1) return dense(x, tf.reshape(kernel, [cin, cout]), bias);
    const [top, , oh] = samePadding(h, kh, stride);
    const [left, , ow] = samePadding(w, kw, stride);
    const [uh, uw] = [(oh - 1) * stride + kh, (ow - 1) * stride + kw];
    // Native path when the padding covers the windows exactly (always, unless a stride skips input pixels).
    if (hasNativeConv() && uh - top - h >= 0 && uw - left - w >= 0) {
      const y = conv2dNative(x as tf.Tensor4D, kernel as tf.Tensor4D, stride, [[0, 0], [top, uh - top - h], [left, uw - left - w], [0, 0]]);
      return bias ? tf.add(y, bias) : y;
    }
    return conv2dSameIm2col(x, kernel, bias, stride);
  });
}

/** {@link conv2dSame} as im2col and one product: for backends without Conv2D kernels, and as the tests' reference. */
export function conv2dSameIm2col(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null, stride: number): tf.Tensor {
  return tf.tidy(() => {
    const [, h, w, cin] = imageDims(x);
    const [kh, kw, , cout] = kernel.shape as [number, number, number, number];
    const [top, bottom, oh] = samePadding(h, kh, stride);
    const [left, right, ow] = samePadding(w, kw, stride);
    // Each strided window reads stride·out rows from its offset: pad the far side enough for the last one.
    const bottomAll = Math.max(bottom, kh - 1 + stride * oh - top - h);
    const rightAll = Math.max(right, kw - 1 + stride * ow - left - w);
    const padded = tf.pad(x, [[0, 0], [top, bottomAll], [left, rightAll], [0, 0]]);
    const views = taps(kh, kw).map(([i, j]) => shiftedView(padded, i, j, stride, oh, ow));
    return dense(views.length === 1 ? views[0]! : tf.concat(views, 3), tf.reshape(kernel, [kh * kw * cin, cout]), bias);
  });
}

/**
 * Flax's `ConvTranspose(kernel_size=(2, 2), strides=(2, 2))` with 'SAME' padding, kernel [2, 2, in, out]
 * (not flipped, Flax's default): output pixel (2i + a, 2j + b) is x[i, j] · K[1 − a, 1 − b] + bias. Done as one
 * product to 4·out channels and a depth-to-space by reshape and a rank-4 transpose.
 */
export function convTranspose2x2(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const [b, h, w, cin] = imageDims(x);
    const cout = kernel.shape[3]!;
    // [a, b, in, out] flipped on (a, b) → [in, (a, b, out)].
    const k = tf.reshape(tf.transpose(tf.reverse(kernel, [0, 1]), [2, 0, 1, 3]), [cin, 4 * cout]);
    const y = dense(x, k, null); // [b, h, w, (a, b, out)]
    const t = tf.transpose(tf.reshape(y, [b * h, w, 2, 2 * cout]), [0, 2, 1, 3]); // [b·h, a, w, (b, out)]
    const up = tf.reshape(t, [b, 2 * h, 2 * w, cout]);
    return bias ? tf.add(up, bias) : up;
  });
}

/**
 * The [out, in] matrix of `jax.image.resize(method='bilinear')` along one axis (antialiased, as by default):
 * a triangle kernel widened by in/out when shrinking, weights renormalised per output, outputs whose sample
 * point falls outside the input zeroed.
 */
export function resizeMatrix(inSize: number, outSize: number): number[][] {
  const invScale = inSize / outSize;
  const kernelScale = Math.max(invScale, 1);
  const rows: number[][] = [];
  for (let o = 0; o < outSize; o++) {
    const sample = (o + 0.5) * invScale - 0.5;
    const row = Array.from({ length: inSize }, (_, i) => Math.max(0, 1 - Math.abs(sample - i) / kernelScale));
    const sum = row.reduce((a, b) => a + b, 0);
    const inside = sample >= -0.5 && sample <= inSize - 0.5;
    rows.push(row.map((v) => (inside && Math.abs(sum) > 1000 * 1.1920929e-7 ? v / sum : 0)));
  }
  return rows;
}

/** Bilinear resize of images to `height` × `width` as jax.image.resize does: two products with fixed matrices. */
export function resizeBilinear(x: tf.Tensor, height: number, width: number): tf.Tensor {
  const [, h, w] = imageDims(x);
  if (h === height && w === width) return x;
  return tf.tidy(() => {
    const mh = tf.transpose(tf.tensor2d(resizeMatrix(h, height))); // [h, height]
    const mw = tf.transpose(tf.tensor2d(resizeMatrix(w, width))); // [w, width]
    const rows = dense(tf.transpose(x, [0, 2, 3, 1]), mh); // [b, w, c, height]
    const cols = dense(tf.transpose(rows, [0, 3, 2, 1]), mw); // [b, height, c, width]
    return tf.transpose(cols, [0, 1, 3, 2]);
  });
}

/** Reflection of `before` and `after` entries along one axis (edge not repeated), from slices, reverses and a concat. */
function reflectAxis(x: tf.Tensor, axis: number, before: number, after: number): tf.Tensor {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis]!;
  const take = (from: number, size: number) => {
    const begin = x.shape.map((_, i) => (i === axis ? from : 0));
    const sizes = x.shape.map((s, i) => (i === axis ? size : s!));
    return tf.reverse(tf.slice(x, begin, sizes), axis);
  };
  const parts = [...(before > 0 ? [take(1, before)] : []), x, ...(after > 0 ? [take(n - 1 - after, after)] : [])];
  return tf.concat(parts, axis);
}

/**
 * Pads images by reflection (numpy's and jax's mode 'reflect'). Written with slices and reverses rather than
 * tf.mirrorPad, whose gradient in tfjs 4.22 only slices the padded gradient and drops what the reflected
 * pixels send back to their sources.
 */
export function reflectPad(x: tf.Tensor, top: number, bottom: number, left: number, right: number): tf.Tensor {
  return tf.tidy(() => reflectAxis(reflectAxis(x, 1, top, bottom), 2, left, right));
}
