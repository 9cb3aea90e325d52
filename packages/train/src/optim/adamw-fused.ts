/** The float32 scalars of one AdamW step, as the tensor version rounds them. */
export interface AdamWScalars {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 − lr·λ, or null without weight decay. */
  decay: number | null;
  biasCorrection2: number;
  epsilon: number;
  /** lr / (1 − β1ᵗ). */
  stepSize: number;
}

const f = Math.fround;

/** Rounds the step's scalars to float32, as tfjs does when it turns a number into a scalar tensor. */
export function adamwScalars(o: { beta1: number; beta2: number; lr: number; weightDecay: number; epsilon: number; step: number }): AdamWScalars {
  return {
    beta1: f(o.beta1), oneMinusBeta1: f(1 - o.beta1), beta2: f(o.beta2), oneMinusBeta2: f(1 - o.beta2),
    decay: o.weightDecay > 0 ? f(1 - o.lr * o.weightDecay) : null,
    biasCorrection2: f(1 - o.beta2 ** o.step), epsilon: f(o.epsilon), stepSize: f(o.lr / (1 - o.beta1 ** o.step)),
  };
}

/**
 * One AdamW update of one variable in a single pass: the thirteen element-wise kernels of the tensor version
 * (each a full read and write of the variable) become one loop. Every operation is rounded to float32 in the
 * tensor version's order (float64 arithmetic then rounding is exact for +, −, ×, ÷ and √ of float32 values), so
 * the results are bit-identical to it. Writes the new values into `p`, `m` and `v`.
 */
export function adamwUpdateInPlace(p: Float32Array, g: ArrayLike<number>, m: Float32Array, v: Float32Array, s: AdamWScalars): void {
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, decay, biasCorrection2, epsilon, stepSize } = s;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * beta1) + f(gi * oneMinusBeta1));
    const vi = f(f(v[i]! * beta2) + f(f(gi * gi) * oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    const decayed = decay === null ? p[i]! : f(p[i]! * decay);
    const denom = f(f(Math.sqrt(f(vi / biasCorrection2))) + epsilon);
    p[i] = f(decayed - f(f(mi / denom) * stepSize));
  }
}
