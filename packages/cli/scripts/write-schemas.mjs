// Writes schema/model-spec.schema.json and schema/grid.schema.json from the built package: the JSON Schema of
// specs and grid files for the families this package ships with (run by `build`; published with the package).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@mlp-blocks/hourglass';
import '@mlp-blocks/gmlp';
import '@mlp-blocks/mixer';
import { gridSchema, modelSpecSchema } from '../dist/index.js';

const dir = fileURLToPath(new URL('../schema/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}model-spec.schema.json`, `${JSON.stringify(modelSpecSchema(), null, 2)}\n`);
writeFileSync(`${dir}grid.schema.json`, `${JSON.stringify(gridSchema(), null, 2)}\n`);
console.log('wrote schema/model-spec.schema.json and schema/grid.schema.json');
