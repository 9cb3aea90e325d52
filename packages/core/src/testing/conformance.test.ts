import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AffineNorm, BatchNorm, Dense, DropPath, LayerNorm, LayerScale, PatchEmbedding, RandomProjection, RmsNorm,
} from '../index.js';
import { checkConformance, ConformanceError } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conformance kit on core primitives', () => {
  const cases = [
    { name: 'Dense', create: () => new Dense({ units: 5 }), inputShape: [3] },
    { name: 'Dense on tokens', create: () => new Dense({ units: 4, activation: 'gelu' as const }), inputShape: [6, 3] },
    { name: 'BatchNorm', create: () => new BatchNorm({ affine: true }), inputShape: [6], trainable: true },
    { name: 'LayerNorm', create: () => new LayerNorm(), inputShape: [2, 6] },
    { name: 'RmsNorm', create: () => new RmsNorm(), inputShape: [6] },
    { name: 'AffineNorm', create: () => new AffineNorm(), inputShape: [6] },
    { name: 'LayerScale', create: () => new LayerScale({ init: 0.1 }), inputShape: [5] },
    { name: 'PatchEmbedding', create: () => new PatchEmbedding({ patchSize: [2, 3], embedDim: 8 }), inputShape: [4, 6, 2] },
  ];
  for (const c of cases) {
    it(`${c.name} passes every check`, async () => {
      const results = await checkConformance(c);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.map((r) => r.check)).toContain('save → load (after training) reproduces outputs');
    });
  }

  it('BatchNorm without affine (no trainable weights) passes the non-training checks', async () => {
    await expect(checkConformance({ name: 'BatchNorm', create: () => new BatchNorm(), inputShape: [6], trainable: false })).resolves.toHaveLength(5);
  });

  it('RandomProjection and DropPath (no trainable weights) pass', async () => {
    await checkConformance({ name: 'RandomProjection', create: () => new RandomProjection({ units: 7, seed: 3 }), inputShape: [5], trainable: false });
    await checkConformance({ name: 'DropPath', create: () => new DropPath({ rate: 0.2, seed: 1 }), inputShape: [5], trainable: false, tolerance: 0 });
  });
});

/** A layer that uses a tfjs dense internally without tracking it: exactly the tfjs issue 8253 mistake. */
class UntrackedSublayer extends tfl.layers.Layer {
  static className = 'MlpBlocks>TestUntracked';
  private inner = tfl.layers.dense({ units: 3 });
  override build(shape: tfl.Shape | tfl.Shape[]): void {
    this.inner.build(shape);
    this.built = true;
  }
  override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [...(shape as tfl.Shape).slice(0, -1), 3];
  }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.inner.apply(x) as tf.Tensor;
  }
}
tf.serialization.registerClass(UntrackedSublayer);

describe('conformance kit catches broken layers', () => {
  it('reports the untracked sublayer through the gradient and save checks', async () => {
    const err = await checkConformance({ name: 'Untracked', create: () => new UntrackedSublayer({}), inputShape: [4] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConformanceError);
    const failed = (err as ConformanceError).results.filter((r) => !r.ok).map((r) => r.check);
    expect(failed).toContain('gradients reach every trainable weight');
    expect(failed).toContain('save → load (after training) reproduces outputs');
    expect((err as Error).message).toMatch(/Untracked failed \d conformance check/);
  });
});
