// Parsing options against a schema, with Keras-style errors: the owner, the option and the value received.
import * as v from 'valibot';
import { ConfigError, describe } from '../errors.js';

/** The entries of an options schema: option name → valibot schema (with its default and doc). */
export type OptionEntries = v.ObjectEntries;

/** An options schema: the object of an owner's options. */
export type OptionsSchema<E extends OptionEntries = OptionEntries> = v.ObjectSchema<E, undefined>;

/** The options an owner accepts as written by a user (optional ones may be left out). */
export type OptionsInput<E extends OptionEntries> = v.InferInput<OptionsSchema<E>>;

/** The options after parsing: defaults filled in, everything checked. */
export type OptionsOutput<E extends OptionEntries> = v.InferOutput<OptionsSchema<E>>;

/** Old option names still accepted for one release: old name → new name. */
export type Renames = Readonly<Record<string, string>>;

/** How `parseOptions` treats keys that are not options. */
export interface ParseSettings {
  /** Keys read by someone else (tfjs layer arguments such as `name`): passed over, neither checked nor returned. */
  passThrough?: readonly string[];
  /** Old names, renamed with a one-time deprecation warning. */
  renames?: Renames;
}

/** An options schema from its entries (kept as a function so block files read as a table of options). */
export function defineOptions<const E extends OptionEntries>(entries: E): OptionsSchema<E> {
  return v.object(entries);
}

const warned = new Set<string>();

/** Prints a deprecation once per process and owner/option. */
export function deprecate(owner: string, message: string): void {
  if (warned.has(`${owner}\n${message}`)) return;
  warned.add(`${owner}\n${message}`);
  console.warn(`${owner}: ${message}`);
}

/** Moves old option names to their new names (warning once); both given is an error. */
export function applyRenames(owner: string, args: Record<string, unknown>, renames: Renames): Record<string, unknown> {
  let out = args;
  for (const [old, now] of Object.entries(renames)) {
    if (!Object.hasOwn(args, old)) continue;
    if (Object.hasOwn(args, now)) {
      throw new ConfigError(owner, old, `left out when "${now}" is given`, args[old],
        `${owner}: options "${old}" (the old name) and "${now}" are both given; keep "${now}"`);
    }
    deprecate(owner, `option "${old}" is renamed "${now}"; the old name is accepted until the next major release`);
    if (out === args) out = { ...args };
    out[now] = out[old];
    delete out[old];
  }
  return out;
}

/** The dotted name of a nested issue's option, e.g. `imageSize[1]`. */
function optionPath(issue: v.BaseIssue<unknown>): string {
  const path = issue.path ?? [];
  let name = '';
  for (const item of path) {
    const key = (item as { key: unknown }).key;
    name += typeof key === 'number' ? `[${key}]` : name === '' ? String(key) : `.${String(key)}`;
  }
  return name || 'options';
}

/**
 * Checks `args` against `schema` and fills its defaults. Errors are ConfigErrors in the form every block uses:
 * `<owner>: option "<name>" must be <expected>, received <value>`; an unknown key is named with the known ones.
 */
export function parseOptions<E extends OptionEntries>(owner: string, schema: OptionsSchema<E>, args: unknown, settings: ParseSettings = {}): OptionsOutput<E> {
  if (args === undefined) args = {};
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new ConfigError(owner, 'options', 'an object of options', args, `${owner}: options must be an object, received ${describe(args)}`);
  }
  const renamed = settings.renames ? applyRenames(owner, args as Record<string, unknown>, settings.renames) : (args as Record<string, unknown>);
  const known = Object.keys(schema.entries);
  const pass = settings.passThrough ?? [];
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(renamed)) {
    if (known.includes(key)) own[key] = renamed[key];
    else if (!pass.includes(key)) {
      const received = renamed[key];
      throw new ConfigError(owner, key, 'a known option', received,
        `${owner}: unknown option "${key}" (received ${describe(received)}); known options: ${[...known, ...pass.filter((p) => p !== 'customObjects')].join(', ')}`);
    }
  }
  // Every option present (left-out ones as undefined), so a missing required option is reported by its own
  // schema ("must be a positive integer, received undefined") rather than as a missing key.
  for (const key of known) if (!Object.hasOwn(own, key)) own[key] = undefined;
  const result = v.safeParse(schema, own);
  if (!result.success) {
    const issue = result.issues[0];
    const name = optionPath(issue);
    throw new ConfigError(owner, name, issue.message, issue.input);
  }
  return result.output;
}

/** The documented default of each option that has one (for docs and the JSON Schema). */
export function optionDefaults(schema: OptionsSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(schema.entries)) {
    const d = v.getDefault(entry as v.GenericSchema);
    if (d !== undefined) out[key] = d;
  }
  return out;
}

/** Each option's doc (its valibot description), for README tables and the JSON Schema. */
export function optionDocs(schema: OptionsSchema): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(schema.entries)) {
    let inner = entry as v.GenericSchema & { wrapped?: v.GenericSchema };
    while (inner.wrapped) inner = inner.wrapped as typeof inner; // optional / nullish around the documented pipe
    const doc = v.getDescription(inner);
    if (doc) out[key] = doc;
  }
  return out;
}

/** A schema with only the named entries of `schema` (networks compose their blocks' options this way). */
export function pickOptions<E extends OptionEntries, const K extends keyof E & string>(schema: OptionsSchema<E>, keys: readonly K[]): Pick<E, K> {
  const out = {} as Pick<E, K>;
  for (const k of keys) out[k] = schema.entries[k];
  return out;
}

/** The parsed options as JSON for a config: options left out (undefined or null) stay out. */
export function toConfig(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && value !== null));
}
