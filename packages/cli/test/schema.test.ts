// The JSON Schema of specs and grid files, generated from the registered families: every grid committed in the
// repository validates against it (with ajv, an independent validator), and typical mistakes do not.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import '@mlp-blocks/hourglass';
import '@mlp-blocks/gmlp';
import '@mlp-blocks/mixer';
import { gridSchema, modelSpecSchema } from '../src/index.js';

const docs = fileURLToPath(new URL('../../../docs/', import.meta.url));
const grids = [join(docs, 'main-job-grid.json'), ...['results', 'results/full'].flatMap((d) =>
  readdirSync(join(docs, d)).filter((f) => f.endsWith('-grid.json')).map((f) => join(docs, d, f)))];
const ajv = new Ajv({ allErrors: true, strict: false });
const validateGrid = ajv.compile(gridSchema());
const validateSpec = ajv.compile(modelSpecSchema());

describe('JSON Schema', () => {
  it('has one alternative per registered family, with its presets in "model" and its options documented', () => {
    const schema = modelSpecSchema() as { oneOf: Array<{ title: string; properties: Record<string, { enum?: string[]; description?: string; default?: unknown }> }> };
    expect(schema.oneOf.map((s) => s.title).sort()).toEqual(['conventional', 'gmlp', 'hourglass', 'mixer', 'resmlp', 'tsmixer']);
    const hourglass = schema.oneOf.find((s) => s.title === 'hourglass')!;
    expect(hourglass.properties['model']!.enum).toEqual(['hourglass', 'hourglass_mnist', 'hourglass_fixed', 'hourglass_tiny']);
    expect(hourglass.properties['bottleneck']!.description).toMatch(/Bottleneck d_h per block/);
    expect(hourglass.properties['useBias']!.default).toBe(false);
    expect(hourglass.properties['bias']!.description).toBe('Deprecated: renamed "useBias".');
  });

  it(`validates every committed grid (${grids.length} files) and the specs in them`, () => {
    expect(grids.length).toBeGreaterThanOrEqual(8);
    for (const file of grids) {
      const grid = JSON.parse(readFileSync(file, 'utf8'));
      expect(validateGrid(grid), `${file}: ${JSON.stringify(validateGrid.errors?.slice(0, 3))}`).toBe(true);
      for (const spec of grid.models ?? []) expect(validateSpec(spec), `${file}: ${JSON.stringify(spec)}`).toBe(true);
    }
  });

  it('rejects typical mistakes: an unknown key, a misspelt option, a wrong type, an unknown family', () => {
    const base = { task: 'denoise', dataset: 'mnist', epochs: 1, batchSize: 128, lrs: [1e-3], seeds: [0] };
    expect(validateGrid({ ...base, epoch: 3, models: [{ model: 'hourglass_tiny' }] })).toBe(false);
    expect(validateGrid({ ...base, models: [{ model: 'hourglass', width: 32, botleneck: 4, depth: 2 }] })).toBe(false);
    expect(validateGrid({ ...base, models: [{ model: 'hourglass', width: '32', bottleneck: 4, depth: 2 }] })).toBe(false);
    expect(validateGrid({ ...base, models: [{ model: 'transformer' }] })).toBe(false);
    expect(validateGrid({ ...base, spaces: [{ model: 'hourglass', width: [32, 64], bottleneck: [4, [8, 2]], depth: 2 }] })).toBe(true);
    expect(validateGrid({ ...base, spaces: [{ model: 'hourglass', width: [32, 'x'], depth: 2 }] })).toBe(false);
    expect(validateSpec({ model: 'mixer_s16', numClasses: 10 })).toBe(true);
    expect(validateSpec({ model: 'mixer_s16', hiddenDim: 384 })).toBe(true); // an old name, still accepted
  });

  it('the schema files the package ships are the generated ones', () => {
    const shipped = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../schema/${name}`, import.meta.url)), 'utf8'));
    expect(shipped('model-spec.schema.json')).toEqual(JSON.parse(JSON.stringify(modelSpecSchema())));
    expect(shipped('grid.schema.json')).toEqual(JSON.parse(JSON.stringify(gridSchema())));
  });
});
