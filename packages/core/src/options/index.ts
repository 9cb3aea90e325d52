/**
 * Declaring options once: every block and network lists its options as a table of option kinds (type, check,
 * default, doc); its `Args` type is inferred from it, its constructor parses with `parseOptions`, and its config
 * is the parsed options. The kinds are valibot schemas, so a family can also use valibot directly.
 */
export * as option from './kinds.js';
export {
  applyRenames, defineOptions, deprecate, optionDefaults, optionDocs, parseOptions, pickOptions, toConfig,
  type OptionEntries, type OptionsInput, type OptionsOutput, type OptionsSchema, type ParseSettings, type Renames,
} from './parse.js';
