import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ModelFileError } from './file-system.js';
import { loadModel, saveModel } from './index.js';

// Every mutation of a saved model's files must either load the exact saved weights or fail with a ModelFileError
// naming a file of the model: never a TypeError/RangeError from deep inside tfjs, never random weights.
let root: string;
let original: { json: string; weights: Buffer; values: Float32Array[] };

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'mlp-blocks-fuzz-'));
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], name: 'a' }), tfl.layers.dense({ units: 2, name: 'b' })] });
  await saveModel(model, path.join(root, 'original'));
  original = {
    json: await fs.readFile(path.join(root, 'original', 'model.json'), 'utf8'),
    weights: await fs.readFile(path.join(root, 'original', 'weights.bin')),
    values: model.weights.map((w) => w.read().dataSync() as Float32Array),
  };
  model.dispose();
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

type Json = Record<string, any>;
const weightEntry = fc.nat(3);
const jsonMutation = fc.oneof(
  fc.constantFrom('weightsManifest', 'modelTopology', 'weightsSha256', 'format').map((key) => (j: Json) => { delete j[key]; }),
  fc.constantFrom(null, 0, 'x', [], {}, [{}], [{ paths: [], weights: [] }]).map((v) => (j: Json) => { j['weightsManifest'] = v; }),
  fc.tuple(weightEntry, fc.array(fc.oneof(fc.integer({ min: -2, max: 5 }), fc.constant(1e300)), { maxLength: 3 }))
    .map(([i, shape]) => (j: Json) => { j['weightsManifest'][0].weights[i].shape = shape; }),
  fc.tuple(weightEntry, fc.constantFrom('int32', 'bool', 'string', 'complex64', 'constructor', '__proto__', 7))
    .map(([i, dtype]) => (j: Json) => { j['weightsManifest'][0].weights[i].dtype = dtype; }),
  fc.tuple(weightEntry, fc.constantFrom('a/kernel', 'b/bias', 'c/kernel', '', '__proto__', 3))
    .map(([i, name]) => (j: Json) => { j['weightsManifest'][0].weights[i].name = name; }),
  weightEntry.map((i) => (j: Json) => { j['weightsManifest'][0].weights.splice(i, 1); }),
  fc.constantFrom(['weights.bin', 'weights.bin'], ['../original/weights.bin'], ['/etc/passwd'], ['missing.bin'], ['.'], [''], [7], 'weights.bin')
    .map((paths) => (j: Json) => { j['weightsManifest'][0].paths = paths; }),
  fc.constantFrom('0'.repeat(64), 'xyz', 5).map((v) => (j: Json) => { j['weightsSha256'] = v; }),
);
const binMutation = fc.oneof(
  fc.nat(51).map((n) => (b: Buffer) => b.subarray(0, n)),
  fc.integer({ min: 1, max: 16 }).map((n) => (b: Buffer) => Buffer.concat([b, Buffer.alloc(n)])),
  fc.tuple(fc.nat(55), fc.integer({ min: 1, max: 255 })).map(([i, x]) => (b: Buffer) => { const c = Buffer.from(b); c[i % c.length]! ^= x; return c; }),
);

let run = 0;
it('a mutated model.json or weights.bin loads exactly or fails with a ModelFileError naming a model file', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(jsonMutation, { maxLength: 2 }), fc.option(binMutation), fc.boolean(), async (jsonMutations, binMutation, dropChecksum) => {
      const dir = path.join(root, `case-${run++}`);
      await fs.mkdir(dir);
      const json = JSON.parse(original.json) as Json;
      if (dropChecksum) delete json['weightsSha256'];
      for (const mutate of jsonMutations) {
        try { mutate(json); } catch { /* the key a mutation edits was removed by an earlier one */ }
      }
      await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      await fs.writeFile(path.join(dir, 'weights.bin'), binMutation ? binMutation(original.weights) : original.weights);
      const before = tf.memory().numTensors;
      let model: tfl.LayersModel;
      try {
        model = await loadModel(dir);
      } catch (error) {
        expect(error).toBeInstanceOf(ModelFileError);
        expect((error as ModelFileError).file.startsWith(dir)).toBe(true);
        expect((error as Error).message).toContain(dir);
        expect(tf.memory().numTensors).toBe(before);
        return;
      }
      // It loaded: the only undetectable change is a flipped byte in a model.json without the checksum; otherwise
      // the weights are the saved ones (never fresh random weights).
      const values = model.weights.map((w) => w.read().dataSync() as Float32Array);
      const exact = values.length === original.values.length && values.every((v, i) => v.every((x, k) => Object.is(x, original.values[i]![k])));
      const flippedUnchecked = binMutation !== null && (dropChecksum || !('weightsSha256' in json)) && jsonMutations.length === 0;
      expect(exact || flippedUnchecked).toBe(true);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }),
    { seed: 19, numRuns: 120 },
  );
});
