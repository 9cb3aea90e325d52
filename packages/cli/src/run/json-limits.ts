import * as fs from 'node:fs';

/** The largest model-spec or grid file the CLI reads (1 MB): real ones are a few kilobytes. */
export const MAX_JSON_BYTES = 1_000_000;
/** The deepest nesting of objects and arrays the CLI accepts in a spec or grid (real ones nest 4 or 5 levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses JSON text nested deeper than MAX_JSON_DEPTH, by a scan of its brackets outside strings, before
 * JSON.parse and the recursive code after it (validation, hashing) can overflow the stack. `owner` names the
 * flag and file in the error.
 */
export function checkJsonDepth(text: string, owner: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new Error(`${owner}: nested more than ${MAX_JSON_DEPTH} levels deep (at character ${i + 1}); specs and grids may nest at most ${MAX_JSON_DEPTH} objects or arrays`);
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/**
 * Reads and parses a JSON file after checking its size (before reading it) and nesting depth. Errors name
 * `owner` (the flag) and the file: `--grid grid.json: ...`.
 */
export function readJsonFile(file: string, owner: string): unknown {
  const where = `${owner} ${file}`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new Error(`${where}: cannot read it (${(e as Error).message})`);
  }
  if (!stat.isFile()) throw new Error(`${where}: not a regular file`); // a FIFO or device could be read forever
  const { size } = stat;
  if (size > MAX_JSON_BYTES) {
    throw new Error(`${where}: ${size.toLocaleString('en-US')} bytes, over the ${MAX_JSON_BYTES.toLocaleString('en-US')}-byte limit of spec and grid files`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${where}: cannot read it (${(e as Error).message})`);
  }
  checkJsonDepth(text, where);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
}
