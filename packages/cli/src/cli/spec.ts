import { existsSync } from 'node:fs';
import { parseSpec, type BlockSpec, type ModelSpec } from '@mlp-blocks/core';
import { checkJsonDepth, readJsonFile } from '../run/json-limits.js';

/**
 * A spec flag's value (`--spec`, or `--model` where a file is allowed): inline JSON, or the path of a JSON file.
 * Both are checked for size and nesting depth before parsing; errors name `flag` (and the file).
 */
export function readSpec(value: string, flag = '--spec'): ModelSpec | BlockSpec {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    checkJsonDepth(trimmed, flag);
    try {
      return parseSpec(trimmed);
    } catch (e) {
      throw new Error(`${flag}: ${(e as Error).message}`);
    }
  }
  if (!existsSync(value)) throw new Error(`${flag}: "${value}" is neither inline JSON nor an existing file`);
  const raw = readJsonFile(value, flag);
  try {
    return parseSpec(raw);
  } catch (e) {
    throw new Error(`${flag} ${value}: ${(e as Error).message}`);
  }
}
