import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, RandomProjection, countParams } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

const CORE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const DIST_ENTRY = join(CORE_DIR, 'dist', 'index.js');

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function sha256(a: Float32Array): string {
  return createHash('sha256').update(bytes(a)).digest('hex');
}

function disposeWeights(layer: { weights: { dispose(): void }[] }): void {
  for (const w of layer.weights) w.dispose();
}

/** Builds a projection for inputs of width `inDim` and returns a copy of its kernel values. */
function kernelOf(args: ConstructorParameters<typeof RandomProjection>[0], inDim: number): Float32Array {
  const layer = new RandomProjection(args);
  layer.build([null, inDim]);
  const values = Float32Array.from(layer.kernel!.read().dataSync() as Float32Array);
  disposeWeights(layer);
  return values;
}

/** The published mulberry32 generator, written out independently of the library's SeededRandom. */
function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RandomProjection kernel', () => {
  it('the same seed gives bit-identical kernels in two instances; different seeds differ', () => {
    const before = tf.memory().numTensors;
    const a = kernelOf({ units: 16, seed: 1234 }, 24);
    const b = kernelOf({ units: 16, seed: 1234 }, 24);
    const c = kernelOf({ units: 16, seed: 1235 }, 24);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(bytes(a).equals(bytes(c))).toBe(false);
    // Different seeds are not just a shifted copy: most entries differ.
    expect(a.filter((v, i) => v !== c[i]).length).toBeGreaterThan(a.length * 0.99);
    const n1 = kernelOf({ units: 16, seed: 7, distribution: 'normal' }, 24);
    const n2 = kernelOf({ units: 16, seed: 7, distribution: 'normal' }, 24);
    expect(bytes(n1).equals(bytes(n2))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is mulberry32 uniform(±1/√inDim) in row-major order (independent re-implementation)', () => {
    const inDim = 24;
    const units = 16;
    const k = kernelOf({ units, seed: 1234 }, inDim);
    const next = mulberry32(1234);
    const s = 1 / Math.sqrt(inDim);
    const ref = new Float32Array(inDim * units);
    for (let i = 0; i < ref.length; i++) ref[i] = -s + 2 * s * next();
    expect(bytes(k).equals(bytes(ref))).toBe(true);
  });

  it('values lie within ±1/√inDim with mean ≈ 0 and variance ≈ limit²/3 (10,000 samples)', () => {
    const inDim = 100;
    const units = 100;
    const k = kernelOf({ units, seed: 42 }, inDim);
    const limit = 1 / Math.sqrt(inDim);
    const n = k.length;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of k) {
      sum += v;
      sumSq += v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    // Float32 rounding is monotonic, so no value can exceed the float32-rounded bound.
    expect(max).toBeLessThanOrEqual(Math.fround(limit));
    expect(min).toBeGreaterThanOrEqual(-Math.fround(limit));
    // The range is actually used: with 10k draws, both ends are reached within 1 %.
    expect(max).toBeGreaterThan(0.99 * limit);
    expect(min).toBeLessThan(-0.99 * limit);
    const mean = sum / n;
    // Mean of n uniforms on ±limit has std limit/√(3n); 5σ bound.
    expect(Math.abs(mean)).toBeLessThan((5 * limit) / Math.sqrt(3 * n));
    const variance = sumSq / n - mean * mean;
    expect(variance / (limit * limit / 3)).toBeGreaterThan(0.95);
    expect(variance / (limit * limit / 3)).toBeLessThan(1.05);
  });

  it('an explicit scale and the normal distribution are honoured', () => {
    const u = kernelOf({ units: 50, seed: 3, scale: 0.25 }, 40);
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...u.map(Math.abs))).toBeGreaterThan(0.24);
    const nk = kernelOf({ units: 100, seed: 3, distribution: 'normal', scale: 2 }, 100);
    const mean = nk.reduce((a, b) => a + b, 0) / nk.length;
    const std = Math.sqrt(nk.reduce((a, b) => a + (b - mean) ** 2, 0) / nk.length);
    expect(Math.abs(mean)).toBeLessThan((5 * 2) / Math.sqrt(nk.length));
    expect(std).toBeGreaterThan(2 * 0.95);
    expect(std).toBeLessThan(2 * 1.05);
  });

  it.skipIf(!existsSync(DIST_ENTRY))('is bit-identical in another Node process (compiled dist, SHA-256 of the kernel bytes)', () => {
    const code = `
      import '@tensorflow/tfjs-backend-cpu';
      import * as tf from '@tensorflow/tfjs-core';
      import { createHash } from 'node:crypto';
      const { RandomProjection } = await import(${JSON.stringify(pathToFileURL(DIST_ENTRY).href)});
      await tf.setBackend('cpu');
      const hash = (args, inDim) => {
        const layer = new RandomProjection(args);
        layer.build([null, inDim]);
        const v = layer.kernel.read().dataSync();
        return createHash('sha256').update(Buffer.from(v.buffer, v.byteOffset, v.byteLength)).digest('hex');
      };
      process.stdout.write(JSON.stringify([
        hash({ units: 16, seed: 1234 }, 24),
        hash({ units: 9, seed: 99, distribution: 'normal' }, 31),
      ]));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: CORE_DIR, encoding: 'utf8' });
    const [uniformHash, normalHash] = JSON.parse(out) as [string, string];
    expect(uniformHash).toBe(sha256(kernelOf({ units: 16, seed: 1234 }, 24)));
    expect(normalHash).toBe(sha256(kernelOf({ units: 9, seed: 99, distribution: 'normal' }, 31)));
  });

  it('is bit-identical on the wasm and cpu backends, and so are the outputs (within float tolerance)', async () => {
    const before = tf.memory().numTensors;
    const cpuKernel = kernelOf({ units: 12, seed: 5 }, 20);
    const xValues = Float32Array.from({ length: 3 * 20 }, (_, i) => Math.sin(i));
    const cpuOut = tf.tidy(() => {
      const layer = new RandomProjection({ units: 12, seed: 5 });
      const y = layer.apply(tf.tensor2d(xValues, [3, 20])) as tf.Tensor;
      const out = Float32Array.from(y.dataSync() as Float32Array);
      disposeWeights(layer);
      return out;
    });

    // setBackend resolves to false (and logs) if the wasm binary cannot be loaded: that must fail the test.
    const ok = await tf.setBackend('wasm');
    expect(ok, 'tf.setBackend("wasm") failed').toBe(true);
    try {
      expect(tf.getBackend()).toBe('wasm');
      const wasmKernel = kernelOf({ units: 12, seed: 5 }, 20);
      expect(bytes(wasmKernel).equals(bytes(cpuKernel))).toBe(true);
      const layer = new RandomProjection({ units: 12, seed: 5 });
      const x = tf.tensor2d(xValues, [3, 20]);
      const y = layer.apply(x) as tf.Tensor;
      const wasmOut = y.dataSync();
      for (let i = 0; i < cpuOut.length; i++) expect(Math.abs(wasmOut[i]! - cpuOut[i]!)).toBeLessThan(1e-5);
      tf.dispose([x, y]);
      disposeWeights(layer);
    } finally {
      await tf.setBackend('cpu');
    }
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('RandomProjection in a model', () => {
  it('has 0 trainable params and inDim·units non-trainable', () => {
    const layer = new RandomProjection({ units: 6, seed: 1 });
    layer.build([null, 5]);
    expect(layer.paramCounts()).toEqual({ trainable: 0, nonTrainable: 30, total: 30 });
    expect(layer.trainableWeights).toHaveLength(0);
    disposeWeights(layer);
  });

  it('keeps its seeded kernel when tfjs builds with fast (zero-filling) weight init, unlike a plain Dense', () => {
    const expected = kernelOf({ units: 6, seed: 11 }, 5);
    const layer = new RandomProjection({ units: 6, seed: 11 });
    layer.setFastWeightInitDuringBuild(true);
    layer.build([null, 5]);
    expect(bytes(Float32Array.from(layer.kernel!.read().dataSync() as Float32Array)).equals(bytes(expected))).toBe(true);
    disposeWeights(layer);

    // Control: fast init really zero-fills an ordinary weight, so the check above is meaningful.
    const d = new Dense({ units: 6, kernelInitializer: 'ones' });
    d.setFastWeightInitDuringBuild(true);
    d.build([null, 5]);
    expect(Array.from(d.kernel!.read().dataSync()).every((v) => v === 0)).toBe(true);
    disposeWeights(d);
  });

  it('survives a save → load round trip bit-for-bit', async () => {
    const model = tfl.sequential({
      layers: [new RandomProjection({ units: 6, seed: 7, inputShape: [5] }), new Dense({ units: 2 })],
    });
    const original = Float32Array.from((model.layers[0] as RandomProjection).kernel!.read().dataSync() as Float32Array);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(saved).toBeDefined();
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const rp = loaded.layers[0];
    expect(rp).toBeInstanceOf(RandomProjection);
    const reloaded = Float32Array.from((rp as RandomProjection).kernel!.read().dataSync() as Float32Array);
    expect(bytes(reloaded).equals(bytes(original))).toBe(true);
    expect((rp as RandomProjection).paramCounts().trainable).toBe(0);

    const x = tf.tensor2d(Float32Array.from({ length: 4 * 5 }, (_, i) => Math.cos(i)), [4, 5]);
    const y1 = model.predict(x) as tf.Tensor;
    const y2 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(y2.dataSync())).toEqual(Array.from(y1.dataSync()));
    tf.dispose([x, y1, y2]);
    model.dispose();
    loaded.dispose();
  });

  it('receives no gradient: excluded from model.trainableWeights and unchanged by fit', async () => {
    const rp = new RandomProjection({ units: 6, seed: 9, inputShape: [5] });
    const head = new Dense({ units: 2 });
    const model = tfl.sequential({ layers: [rp, head] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    expect(model.trainableWeights).toHaveLength(2);
    expect(model.trainableWeights).not.toContain(rp.kernel);
    expect(model.trainableWeights.map((w) => w.name)).not.toContain(rp.kernel!.name);
    expect(model.nonTrainableWeights).toContain(rp.kernel);

    const rpBefore = Float32Array.from(rp.kernel!.read().dataSync() as Float32Array);
    const headBefore = Float32Array.from(head.kernel!.read().dataSync() as Float32Array);
    const xs = tf.tensor2d(Float32Array.from({ length: 8 * 5 }, (_, i) => Math.sin(i * 0.7)), [8, 5]);
    const ys = tf.tensor2d(Float32Array.from({ length: 8 * 2 }, (_, i) => Math.cos(i)), [8, 2]);
    await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
    const rpAfter = Float32Array.from(rp.kernel!.read().dataSync() as Float32Array);
    const headAfter = Float32Array.from(head.kernel!.read().dataSync() as Float32Array);
    expect(bytes(rpAfter).equals(bytes(rpBefore))).toBe(true);
    // The trainable head did move, so training really happened.
    expect(bytes(headAfter).equals(bytes(headBefore))).toBe(false);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('RandomProjection seeds are 32-bit', () => {
  it('rejects a seed that would alias a smaller one, naming the option and value', () => {
    expect(() => new RandomProjection({ units: 2, seed: 2 ** 32 })).toThrow('RandomProjection: option "seed" must be an integer in [0, 4294967295], received 4294967296');
    expect(() => new RandomProjection({ units: 2, seed: -1 })).toThrow(/option "seed"/);
    expect(() => new RandomProjection({ units: 2, seed: 2 ** 32 - 1 })).not.toThrow();
  });
});

describe('RandomProjection with persist: false (regenerated, not saved)', () => {
  async function saveArtifacts(m: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    return saved!;
  }
  function lifted(extra: Record<string, unknown> = {}): tfl.LayersModel {
    return tfl.sequential({ layers: [
      new RandomProjection({ name: 'lift', units: 9, seed: 42, persist: false, inputShape: [6], ...extra }),
      new Dense({ name: 'head', units: 2 }),
    ] });
  }

  it('leaves the matrix out of the saved weights, records a fingerprint, and reproduces outputs on load', async () => {
    const m = lifted();
    const artifacts = await saveArtifacts(m);
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual(['head/kernel', 'head/bias']);
    const config = JSON.stringify(artifacts.modelTopology);
    expect(config).toMatch(/"fingerprint":"fnv1a32:[0-9a-f]{8}"/);
    expect(config).toContain('"input_dim":6');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.randomUniform([3, 6], 0, 1, 'float32', 5);
    const a = m.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(countParams(loaded)).toEqual({ trainable: 9 * 2 + 2, nonTrainable: 6 * 9, total: 6 * 9 + 20 });
    tf.dispose([x, a, b]);
    m.dispose();
    loaded.dispose();
  });

  it('fails on load when the regenerated matrix does not match the recorded fingerprint', async () => {
    const m = lifted();
    const artifacts = await saveArtifacts(m);
    const tampered = JSON.parse(JSON.stringify(artifacts.modelTopology).replace(/fnv1a32:[0-9a-f]{8}/, 'fnv1a32:00000000'));
    const err = await tfl.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: tampered })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/RandomProjection "lift": the matrix regenerated from seed 42 with shape \[6, 9\] has fingerprint fnv1a32:[0-9a-f]{8}, but the saved configuration recorded fnv1a32:00000000/);
    m.dispose();
  });

  it('fails clearly when built for another input size than the one recorded', () => {
    const layer = new RandomProjection({ units: 3, seed: 1, persist: false, inputDim: 5 });
    expect(() => layer.apply(tf.zeros([1, 4]))).toThrow('RandomProjection "' + layer.name + '": the saved configuration was made for input size 5, but the input\'s last axis is 4');
  });

  it('gives the same matrix as the persisted variant and frees it on dispose', () => {
    const start = tf.memory().numTensors;
    const a = lifted();
    const b = tfl.sequential({ layers: [new RandomProjection({ units: 9, seed: 42, inputShape: [6] })] });
    const x = tf.randomUniform([2, 6], 0, 1, 'float32', 3);
    const ya = (a.layers[0]!.apply(x) as tf.Tensor);
    const yb = b.predict(x) as tf.Tensor;
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
