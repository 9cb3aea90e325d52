// Hooks between the blocks and optional native kernels (@mlp-blocks/backend-blas registers them): the names of
// a one-pass AdamW kernel and of GELU kernels, and a flag saying that a backend multiplies transposed operands
// at full speed.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Name of the optional one-pass AdamW kernel. Inputs `param`, `grad`, `m`, `v` (float32, one shape); attrs
 * {@link FusedAdamWAttrs}; outputs the new `[param, m, v]`. `@mlp-blocks/train`'s AdamW uses it on any backend
 * that registers it; its results must be bit-identical to the thirteen-kernel tensor version.
 */
export const FUSED_ADAMW_KERNEL = 'MlpBlocksFusedAdamW';

/** Attrs of {@link FUSED_ADAMW_KERNEL}: the step's scalars, each a float32 value. */
export interface FusedAdamWAttrs {
  /** [β1, 1 − β1, β2, 1 − β2, 1 − lr·λ (NaN without weight decay), 1 − β2ᵗ, ε, lr / (1 − β1ᵗ)]. */
  scalars: number[];
  /**
   * The caller replaces `param`, `m` and `v` with the outputs and keeps no other use of them, so a backend may
   * write the update into their buffers and return those (where no other tensor shares them). Default false:
   * three fresh outputs.
   */
  inPlace?: boolean;
}

/**
 * Names of the optional GELU kernels (exact erf) a backend package may register: `GELU_KERNEL` takes `x` and
 * returns x·Φ(x); `GELU_GRAD_KERNEL` takes `x` and `dy` and returns dy·(Φ(x) + x·φ(x)). Core's `gelu` uses
 * them where registered; they must agree with its tensor formula to float32 rounding.
 */
export const GELU_KERNEL = 'MlpBlocksGelu';
/** See {@link GELU_KERNEL}. */
export const GELU_GRAD_KERNEL = 'MlpBlocksGeluGrad';

let transposeFreeBackend: string | null = null;

/**
 * Declares that the tfjs backend `backendName` runs products with `transposeA`/`transposeB` set as fast as
 * plain ones (null: none does). The stock wasm backend does not (it routes them to a naive loop), so by
 * default gradients transpose explicitly first. Such a backend must also add `_FusedMatMul`'s bias after the
 * product, exactly as a separate Add would: `dense` then passes its bias to the product.
 */
export function setTransposeFreeProducts(backendName: string | null): void {
  transposeFreeBackend = backendName;
}

/** True when the active backend was declared transpose-free by {@link setTransposeFreeProducts}. */
export function productsTransposeFree(): boolean {
  return transposeFreeBackend !== null && tf.getBackend() === transposeFreeBackend;
}

/**
 * op(a)·op(b) for rank-2 or batched rank-3 operands, where op transposes the last two axes when asked: passed
 * to the backend as flags where it handles them at full speed, otherwise as explicit transposes and a plain
 * product (several times faster on the stock wasm backend).
 */
export function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (productsTransposeFree()) return tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, transposeA, transposeB);
  const swap = (t: tf.Tensor) => {
    const perm = [...t.shape.keys()];
    [perm[t.rank - 2], perm[t.rank - 1]] = [t.rank - 1, t.rank - 2];
    return tf.transpose(t, perm);
  };
  return tf.matMul((transposeA ? swap(a) : a) as tf.Tensor3D, (transposeB ? swap(b) : b) as tf.Tensor3D);
}
