// The JSON Schema of model specs and grid files, generated from the registered family descriptors (plugins
// included) and the grid's own schema, for editor completion and validation. Published in the package as
// schema/model-spec.schema.json and schema/grid.schema.json (the in-repository families); `mlp-blocks schema`
// prints the schema of whatever is registered in that process.
import { listFamilies } from '@mlp-blocks/core';
import { type JsonSchema, toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { GRID_OPTIONS } from '../sweep/grid.js';

const convert = (schema: v.GenericSchema): JsonSchema => toJsonSchema(schema, { errorMode: 'ignore', typeMode: 'input' });

/** One `{"model": ...}` alternative per family: its name or presets in `model`, its options (none required). */
function familySchemas(): JsonSchema[] {
  return listFamilies().map((family) => {
    const options = convert(family.options) as { properties?: Record<string, JsonSchema> };
    const presets = Object.keys(family.presets ?? {}).map((n) => n.replace(/-/g, '_'));
    const properties: Record<string, JsonSchema> = {
      model: { enum: [family.name, ...presets], description: `${family.description} (${family.packageName}); or one of its presets` },
      ...(presets.length ? { preset: { enum: presets, description: 'A preset of this family; the other options override it.' } } : {}),
      ...options.properties,
    };
    for (const [old, now] of Object.entries(family.renames ?? {})) {
      if (properties[now] && !properties[old]) properties[old] = { ...properties[now], description: `Deprecated: renamed "${now}".` };
    }
    return {
      type: 'object', title: family.name, description: family.citation ? `${family.description}. ${family.citation}` : family.description,
      properties, required: ['model'], additionalProperties: false,
    } as JsonSchema;
  });
}

/** The JSON Schema of a `--model` spec (or a grid's `models` entry): one alternative per registered family. */
export function modelSpecSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'mlp-blocks model spec',
    description: 'A model family (or preset) and its options; sizes left out (inputDim, outputDim, imageSize, inputChannels, numClasses) come from the data.',
    oneOf: familySchemas(),
  } as JsonSchema;
}

/** The JSON Schema of a grid file; `spaces` entries may give each option as a list of alternatives. */
export function gridSchema(): JsonSchema {
  const grid = convert(GRID_OPTIONS) as { properties: Record<string, JsonSchema> } & JsonSchema;
  const spaces = familySchemas().map((s) => {
    const props = (s as { properties: Record<string, JsonSchema> }).properties;
    const alternatives = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, k === 'model' ? p : { anyOf: [p, { type: 'array', items: p, minItems: 1 }] }]));
    return { ...s, properties: alternatives } as JsonSchema;
  });
  return {
    ...grid,
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'mlp-blocks sweep grid',
    properties: {
      ...grid.properties,
      models: { type: 'array', minItems: 1, items: { oneOf: familySchemas() }, description: 'Complete specs (sizes come from the data).' },
      spaces: { type: 'array', minItems: 1, items: { oneOf: spaces }, description: 'Specs whose options may be lists of alternatives, expanded as a product.' },
    },
    additionalProperties: false,
  } as JsonSchema;
}
