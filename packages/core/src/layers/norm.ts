import { AffineNorm } from './affine-norm.js';
import { BatchNorm } from './batch-norm.js';
import { LayerNorm } from './layer-norm.js';
import { RmsNorm } from './rms-norm.js';
import { oneOf } from '../validate.js';
import type { Block } from '../block.js';

import { NORMS } from './norm-kinds.js';

export { NORMS, type NormKind } from './norm-kinds.js';

/**
 * The norm a block option names, or null for 'none'. `batch` is without affine parameters (the Hourglass
 * authors' choice); `epsilon` overrides each norm's default.
 */
export function createNorm(kind: unknown, name: string, owner: string, epsilon?: number): Block | null {
  const k = oneOf(owner, 'norm', kind, NORMS);
  const eps = epsilon === undefined ? {} : { epsilon };
  switch (k) {
    case 'batch': return new BatchNorm({ name, affine: false, ...eps });
    case 'layer': return new LayerNorm({ name, ...eps });
    case 'rms': return new RmsNorm({ name, ...eps });
    case 'affine': return new AffineNorm({ name });
    case 'none': return null;
  }
}
