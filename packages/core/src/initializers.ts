import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from './errors.js';
import { SeededRandom } from './random.js';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/**
 * Initializers are named by strings (or `{name, ...params}`) so a block's config stays plain JSON.
 * - `torchUniform`: PyTorch's default for nn.Linear/Conv weights and biases, uniform(±1/√fanIn).
 * - `nearZero`: normal with a tiny std (default 1e-6), e.g. gMLP's spatial weights.
 * - `lecunNormal`, `glorotUniform`, `zeros`, `ones`; `constant` takes `value`, `normal` takes `stddev`.
 */
export type InitializerSpec =
  | 'torchUniform'
  | 'nearZero'
  | 'lecunNormal'
  | 'glorotUniform'
  | 'zeros'
  | 'ones'
  | { name: 'constant'; value: number }
  | { name: 'normal'; stddev: number; mean?: number }
  | { name: 'uniform'; limit: number }
  | { name: 'nearZero'; stddev: number }
  | { name: 'seeded'; seed: number; distribution: 'uniform' | 'normal'; scale: number };

/** The initializer names an InitializerSpec may use. */
export const INITIALIZER_NAMES = ['torchUniform', 'nearZero', 'lecunNormal', 'glorotUniform', 'zeros', 'ones', 'constant', 'normal', 'uniform', 'seeded'] as const;

/** Builds a tfjs initializer; `fanIn` is the weight's input size (needed by torchUniform for biases). */
export function resolveInitializer(spec: InitializerSpec, fanIn: number, owner = 'initializer', option = 'initializer'): Initializer {
  const name = typeof spec === 'string' ? spec : spec?.name;
  switch (name) {
    case 'torchUniform': {
      const limit = 1 / Math.sqrt(fanIn);
      return tfl.initializers.randomUniform({ minval: -limit, maxval: limit });
    }
    case 'nearZero': {
      const stddev = typeof spec === 'object' && 'stddev' in spec ? spec.stddev : 1e-6;
      return tfl.initializers.randomNormal({ mean: 0, stddev });
    }
    case 'lecunNormal':
      return tfl.initializers.leCunNormal({});
    case 'glorotUniform':
      return tfl.initializers.glorotUniform({});
    case 'zeros':
      return tfl.initializers.zeros();
    case 'ones':
      return tfl.initializers.ones();
    case 'constant':
      return tfl.initializers.constant({ value: (spec as { value: number }).value });
    case 'normal': {
      const s = spec as { stddev: number; mean?: number };
      return tfl.initializers.randomNormal({ mean: s.mean ?? 0, stddev: s.stddev });
    }
    case 'uniform': {
      const s = spec as { limit: number };
      return tfl.initializers.randomUniform({ minval: -s.limit, maxval: s.limit });
    }
    case 'seeded': {
      const s = spec as { seed: number; distribution: 'uniform' | 'normal'; scale: number };
      return seededInitializer(s.seed, s.distribution, s.scale);
    }
    default:
      throw new ConfigError(owner, option, `one of ${INITIALIZER_NAMES.join(', ')}`, spec);
  }
}

/**
 * Deterministic initializer from a seed: `uniform` draws from ±scale, `normal` from N(0, scale²),
 * in row-major order of the weight's shape.
 */
export function seededInitializer(seed: number, distribution: 'uniform' | 'normal', scale: number): Initializer {
  return {
    apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
      return seededTensor(seed, shape, distribution, scale, dtype);
    },
  } as unknown as Initializer;
}

/**
 * A tensor of seeded SeededRandom draws (uniform in [−scale, scale] or normal with std `scale`): the same numbers
 * in every process and on every backend.
 */
export function seededTensor(seed: number, shape: number[], distribution: 'uniform' | 'normal', scale: number, dtype: tf.DataType = 'float32'): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const rng = new SeededRandom(seed);
  const values = distribution === 'uniform'
    ? rng.fillUniform(new Float32Array(size), -scale, scale)
    : rng.fillNormal(new Float32Array(size), 0, scale);
  return tf.tensor(values, shape, dtype);
}
