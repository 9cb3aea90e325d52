import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Block, type BlockArgs, type ConfigDict, ConfigError, Dense, type Kwargs, LayerNorm, type LayerVariable, type Shape, registerBlock, validate,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A block that owns a dense and a norm. */
class Inner extends Block {
  static className = 'MlpBlocks>TestInner';
  readonly units: number;
  private readonly norm: LayerNorm;
  private readonly proj: Dense;
  constructor(args: BlockArgs & { units: number }) {
    super(args);
    this.checkOptions(args, ['units']);
    this.units = validate.positiveInt(this.blockName, 'units', args.units);
    this.norm = this.own(new LayerNorm({ name: 'norm' }));
    this.proj = this.own(new Dense({ name: 'proj', units: this.units }));
  }
  override build(shape: Shape | Shape[]): void {
    this.buildOwned(this.norm, shape);
    this.buildOwned(this.proj, shape);
    this.built = true;
  }
  override computeOutputShape(shape: Shape | Shape[]): Shape {
    return [...(shape as Shape).slice(0, -1), this.units];
  }
  override call(x: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.callOwned(this.proj, this.callOwned(this.norm, x as tf.Tensor, kwargs), kwargs));
  }
  protected override blockConfig(): ConfigDict {
    return { units: this.units };
  }
}

/** Two levels of nesting: Outer owns two Inner blocks (each with a dense and a norm) and a weight of its own. */
class Outer extends Block {
  static className = 'MlpBlocks>TestOuter';
  private readonly a: Inner;
  private readonly b: Inner;
  private scaleVar: LayerVariable | null = null;
  constructor(args: BlockArgs = {}) {
    super(args);
    this.checkOptions(args, []);
    this.a = this.own(new Inner({ name: 'a', units: 6 }));
    this.b = this.own(new Inner({ name: 'b', units: 4 }));
  }
  override build(shape: Shape | Shape[]): void {
    this.buildOwned(this.a, shape);
    this.buildOwned(this.b, this.a.computeOutputShape(shape));
    this.scaleVar = this.addWeight('scale', [4], 'float32', tfl.initializers.randomNormal({ mean: 1, stddev: 0.1 }));
    this.built = true;
  }
  override computeOutputShape(shape: Shape | Shape[]): Shape {
    return [...(shape as Shape).slice(0, -1), 4];
  }
  override call(x: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(this.callOwned(this.b, tf.relu(this.callOwned(this.a, x as tf.Tensor, kwargs)), kwargs), this.scaleVar!.read()));
  }
  protected override blockConfig(): ConfigDict {
    return {};
  }
}
registerBlock(Inner);
registerBlock(Outer);

function model(): tfl.LayersModel {
  const input = tfl.input({ shape: [5] });
  return tfl.model({ inputs: input, outputs: new Outer({ name: 'outer' }).apply(input) as tfl.SymbolicTensor });
}

describe('Block tracks nested sublayers', () => {
  it('reports every nested weight with unique, scoped names', () => {
    const m = model();
    const names = m.weights.map((w) => w.originalName).sort();
    expect(names).toEqual([
      'outer/a/norm/beta', 'outer/a/norm/gamma', 'outer/a/proj/bias', 'outer/a/proj/kernel',
      'outer/b/norm/beta', 'outer/b/norm/gamma', 'outer/b/proj/bias', 'outer/b/proj/kernel',
      'outer/scale',
    ].sort());
    // 5·2 + 5·6+6 + 6·2 + 6·4+4 + 4 = 10 + 36 + 12 + 28 + 4
    expect(m.countParams()).toBe(90);
    expect(m.trainableWeights).toHaveLength(9);
    m.dispose();
  });

  it('survives save → load with identical outputs (tfjs issue 8253)', async () => {
    const m = model();
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 7);
    const y = tf.randomNormal([3, 4], 0, 1, 'float32', 8);
    await m.fit(x, y, { epochs: 2, verbose: 0 }); // weights move away from their initial values
    let artifacts: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(artifacts!.weightSpecs!.map((s) => s.name)).toContain('outer/b/proj/kernel');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const a = m.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, y, a, b]);
    m.dispose();
    loaded.dispose();
  });

  it('gives the optimizer every nested weight: each one changes in a training step', async () => {
    const m = model();
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const before = m.getWeights().map((w) => w.arraySync());
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 1);
    const y = tf.randomNormal([3, 4], 0, 1, 'float32', 2);
    await m.trainOnBatch(x, y);
    const after = m.getWeights().map((w) => w.arraySync());
    after.forEach((w, i) => expect(w, m.weights[i]!.originalName).not.toEqual(before[i]));
    tf.dispose([x, y]);
    m.dispose();
  });

  it('freezing the parent freezes the nested weights, and they stay unchanged in training', async () => {
    const input = tfl.input({ shape: [5] });
    const outer = new Outer({ name: 'frozen' });
    const head = tfl.layers.dense({ units: 4 });
    const m = tfl.model({ inputs: input, outputs: head.apply(outer.apply(input)) as tfl.SymbolicTensor });
    outer.trainable = false;
    expect(outer.trainableWeights).toHaveLength(0);
    expect(outer.nonTrainableWeights).toHaveLength(9);
    expect(outer.paramCounts()).toEqual({ trainable: 0, nonTrainable: 90, total: 90 });
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const before = outer.getWeights().map((w) => w.arraySync());
    const x = tf.ones([2, 5]);
    const y = tf.zeros([2, 4]);
    await m.trainOnBatch(x, y);
    expect(outer.getWeights().map((w) => w.arraySync())).toEqual(before);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('disposing the model frees the nested weights', () => {
    const start = tf.memory().numTensors;
    const m = model();
    expect(tf.memory().numTensors).toBe(start + 9);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('Block options and config', () => {
  it('rejects an unknown option naming it and the value received', () => {
    expect(() => new Inner({ units: 3, unitz: 4 } as never)).toThrow(/TestInner: unknown option "unitz" \(received 4\)/);
  });

  it('rejects a bad value naming the option and echoing the value', () => {
    const err = (() => { try { new Inner({ units: -2 }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).option).toBe('units');
    expect((err as Error).message).toBe('TestInner: option "units" must be a positive integer, received -2');
  });

  it('writes its package into the config and round-trips through the constructor', () => {
    const inner = new Inner({ name: 'x', units: 3 });
    const config = inner.getConfig();
    expect(config).toMatchObject({ name: 'x', units: 3, mlpBlocksPackage: '@mlp-blocks/core', trainable: true });
    expect(new Inner(config as never).getConfig()).toEqual(config);
  });

  it('gives default names that are valid tensor names', () => {
    const a = new Inner({ units: 2 });
    const b = new Inner({ units: 2 });
    expect(a.name).toMatch(/^test_inner_\d+$/);
    expect(b.name).not.toBe(a.name);
  });

  it('refuses two sublayers with the same name', () => {
    class Twins extends Block {
      static className = 'MlpBlocks>TestTwins';
      constructor() {
        super({});
        this.own(new Dense({ name: 'd', units: 1 }));
        this.own(new Dense({ name: 'd', units: 1 }));
      }
      protected override blockConfig(): ConfigDict { return {}; }
    }
    expect(() => new Twins()).toThrow(/two sublayers are named "d"/);
  });
});
