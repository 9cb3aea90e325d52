import { existsSync, readFileSync } from 'node:fs';
import { parseSpec, type BlockSpec, type ModelSpec } from '@mlp-blocks/core';

/** A `--spec` value: inline JSON, or the path of a JSON file. */
export function readSpec(value: string): ModelSpec | BlockSpec {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) return parseSpec(trimmed);
  if (!existsSync(value)) throw new Error(`--spec: "${value}" is neither inline JSON nor an existing file`);
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (e) {
    throw new Error(`--spec: cannot read ${value}: ${(e as Error).message}`);
  }
  try {
    return parseSpec(JSON.parse(text));
  } catch (e) {
    throw new Error(`--spec: ${value}: ${(e as Error).message}`);
  }
}
