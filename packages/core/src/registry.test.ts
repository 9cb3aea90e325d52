import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Block, type ConfigDict, ConfigError, Dense, LayerNorm, MissingBlockError, buildFromSpec, getBlockClass, listBlocks,
  listModels, loadBlocksModel, oneTensor, parseSpec, registerBlock, registerModel,
} from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('block registry', () => {
  it('registers the core primitives on import, under prefixed tfjs class names', () => {
    expect(listBlocks()).toEqual(expect.arrayContaining(['Dense', 'BatchNorm', 'LayerNorm', 'RmsNorm', 'AffineNorm', 'DropPath', 'LayerScale', 'RandomProjection', 'PatchEmbedding']));
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(map['MlpBlocks>Dense']?.[0]).toBe(Dense);
    expect(getBlockClass('MlpBlocks>LayerNorm')).toBe(LayerNorm);
  });

  it('rejects a class without the prefix', () => {
    class Plain extends Block {
      static className = 'Plain';
      protected override blockConfig(): ConfigDict { return {}; }
    }
    expect(() => registerBlock(Plain)).toThrow('registerBlock: Plain.className must be "MlpBlocks><Name>", received "Plain"');
  });

  it('builds a block from a JSON spec', () => {
    const layer = buildFromSpec('{"block":"Dense","units":3,"useBias":false}') as Dense;
    expect(layer).toBeInstanceOf(Dense);
    expect(layer.units).toBe(3);
    expect(layer.useBias).toBe(false);
  });

  it('passes spec options through the block validation', () => {
    expect(() => buildFromSpec({ block: 'Dense', units: 0 })).toThrow('Dense: option "units" must be a positive integer, received 0');
  });

  it('builds a model from a registered builder', () => {
    registerModel('test-tiny', {
      packageName: '@mlp-blocks/core',
      build: (spec) => tfl.sequential({ layers: [new Dense({ units: Number(spec['units']), inputShape: [2] })] }),
    });
    expect(listModels()).toContain('test-tiny');
    const m = buildFromSpec({ model: 'test-tiny', units: 5 }) as tfl.LayersModel;
    expect(m.outputs[0]!.shape).toEqual([null, 5]);
    m.dispose();
  });

  it('says what is registered and how packages register, for an unknown model or block (core names no package)', () => {
    expect(() => buildFromSpec({ model: 'hourglass' })).toThrow(/Unknown model "hourglass"\. Registered: .*test-tiny.*A family is registered when its package is imported/);
    expect(() => buildFromSpec({ block: 'MixerBlock' })).toThrow(/Unknown block "MixerBlock"\. Registered: .*Dense.*A block is registered when its package is imported/);
    expect(() => buildFromSpec({ model: 'nothing-like-it' })).toThrow(/--plugin <package>/);
  });

  it('treats names that are properties of plain objects as unknown names', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => buildFromSpec({ model: name })).toThrow(`Unknown model "${name}". Registered:`);
      expect(() => buildFromSpec({ block: name })).toThrow(`Unknown block "${name}". Registered:`);
    }
  });

  it('explains malformed specs', () => {
    expect(() => parseSpec('{"model": ')).toThrow(/spec is not valid JSON/);
    expect(() => parseSpec('[1]')).toThrow(ConfigError);
    expect(() => parseSpec({ units: 3 })).toThrow(/spec needs a "model" \(whole network\) or "block" \(one layer\) string, received \{"units":3\}/);
  });
});

class Unimported extends Block {
  static className = 'MlpBlocks>TestUnimported';
  static override packageName = '@example/not-imported';
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape { return s as tfl.Shape; }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor { return tf.tidy(() => tf.mul(oneTensor('TestUnimported', x), 2)); }
  protected override blockConfig(): ConfigDict { return {}; }
}

describe('loading a model whose block package was not imported', () => {
  it('fails with an error naming the package, and loads once it is registered', async () => {
    const input = tfl.input({ shape: [3] });
    const m = tfl.model({ inputs: input, outputs: new Unimported({}).apply(input) as tfl.SymbolicTensor });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    // Not registered yet: the situation of a user who forgot `import '@example/not-imported'`.
    const err = await loadBlocksModel(tf.io.fromMemory(artifacts!)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingBlockError);
    expect((err as Error).message).toBe(
      "The model uses MlpBlocks>TestUnimported, which @example/not-imported registers. Install @example/not-imported and import it before loading the model (import '@example/not-imported').");
    registerBlock(Unimported);
    const loaded = await loadBlocksModel(tf.io.fromMemory(artifacts!));
    const y = loaded.predict(tf.ones([1, 3])) as tf.Tensor;
    expect(Array.from(await y.data())).toEqual([2, 2, 2]);
    m.dispose();
    loaded.dispose();
  });
});
