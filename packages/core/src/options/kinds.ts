// The option kinds every block and network declares its options with. Each is a valibot schema whose messages
// are the "expected" half of a Keras-style error ("must be a positive integer, received 0"), and which carries
// its doc as a valibot description (it reaches the JSON Schema of specs and the README tables).
import * as v from 'valibot';
import { ACTIVATIONS } from '../activations.js';
import { INITIALIZER_NAMES, type InitializerSpec } from '../initializers.js';
import { NORMS, type NormKind } from '../layers/norm-kinds.js';

const POSITIVE_INT = 'a positive integer';

/** A valibot schema (any input, any output). */
export type Schema = v.GenericSchema;

/** An integer > 0. */
export function positiveInt(doc: string) {
  return v.pipe(v.number(POSITIVE_INT), v.safeInteger(POSITIVE_INT), v.minValue(1, POSITIVE_INT), v.description(doc));
}

/** An integer ≥ 0. */
export function nonNegativeInt(doc: string) {
  const m = 'a non-negative integer';
  return v.pipe(v.number(m), v.safeInteger(m), v.minValue(0, m), v.description(doc));
}

/** A finite number > 0. */
export function positiveNumber(doc: string) {
  const m = 'a positive number';
  return v.pipe(v.number(m), v.finite(m), v.gtValue(0, m), v.description(doc));
}

/** Any finite number. */
export function finiteNumber(doc: string) {
  const m = 'a finite number';
  return v.pipe(v.number(m), v.finite(m), v.description(doc));
}

/** A rate in [0, 1): dropout, stochastic depth, momentum. */
export function rate(doc: string) {
  const m = 'a number in [0, 1)';
  return v.pipe(v.number(m), v.minValue(0, m), v.ltValue(1, m), v.description(doc));
}

/** 0 for "off", else a positive number (LayerScale's initial value). */
export function zeroOrPositive(doc: string) {
  const m = 'a positive number (or 0 for none)';
  return v.pipe(v.number(m), v.finite(m), v.minValue(0, m), v.description(doc));
}

/** true or false. */
export function boolean(doc: string) {
  return v.pipe(v.boolean('true or false'), v.description(doc));
}

/** A non-empty string. */
export function text(doc: string) {
  const m = 'a non-empty string';
  return v.pipe(v.string(m), v.minLength(1, m), v.description(doc));
}

/** One of `values`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, doc: string) {
  return v.pipe(v.picklist(values, `one of ${values.map((a) => `"${a}"`).join(', ')}`), v.description(doc));
}

/** An integer in [0, 2³²−1]. */
export function seed(doc: string) {
  const m = 'an integer in [0, 4294967295]';
  return v.pipe(v.number(m), v.safeInteger(m), v.minValue(0, m), v.maxValue(0xffffffff, m), v.description(doc));
}

/** One positive integer for every position, or a list of them (one per block). */
export function positiveIntOrList(doc: string) {
  const m = 'a positive integer or a non-empty list of them';
  const item = v.pipe(v.number(m), v.safeInteger(m), v.minValue(1, m));
  return v.pipe(v.union([item, v.pipe(v.array(item, m), v.minLength(1, m))], m), v.description(doc));
}

/** A positive integer or a [height, width] pair of them; parsed into the pair. */
export function sizePair(doc: string) {
  const m = 'a positive integer or a [height, width] pair of them';
  const item = v.pipe(v.number(m), v.safeInteger(m), v.minValue(1, m));
  return v.pipe(
    v.union([item, v.tuple([item, item], m)], m),
    v.description(doc),
    v.transform((s): [number, number] => (typeof s === 'number' ? [s, s] : [s[0], s[1]])),
  );
}

/** An activation name (see ACTIVATIONS). */
export function activation(doc: string) {
  return v.pipe(v.picklist(ACTIVATIONS, `one of ${ACTIVATIONS.map((a) => `"${a}"`).join(', ')}`), v.description(doc));
}

/** A norm name (see NORMS; 'none' for no norm). */
export function norm(doc: string, values: readonly NormKind[] = NORMS) {
  return v.pipe(v.picklist(values as [NormKind, ...NormKind[]], `one of ${values.map((a) => `"${a}"`).join(', ')}`), v.description(doc));
}

/** An initializer: a name, or `{name, ...params}` (see InitializerSpec); parameters are checked when it is used. */
export function initializer(doc: string) {
  const m = `an initializer name (${INITIALIZER_NAMES.join(', ')}) or {"name": ..., ...params}`;
  const named = v.looseObject({ name: v.picklist(INITIALIZER_NAMES, m) }, m);
  return v.pipe(v.union([v.picklist(INITIALIZER_NAMES, m), named], m), v.description(doc)) as unknown as v.GenericSchema<InitializerSpec, InitializerSpec>;
}

/** `schema`, or the value `fallback` when the option is left out. */
export function withDefault<S extends Schema, const D extends v.InferOutput<S>>(schema: S, fallback: D) {
  return v.optional(schema, fallback as never) as v.OptionalSchema<S, D>;
}

/** `schema`, or undefined when the option is left out (null is taken as left out too, as tfjs configs write it). */
export function optional<S extends Schema>(schema: S) {
  return v.nullish(schema);
}

/** Two non-empty strings (e.g. the names of two sublayers). */
export function namePair(doc: string) {
  const m = 'a pair of non-empty strings';
  const item = v.pipe(v.string(m), v.minLength(1, m));
  return v.pipe(v.tuple([item, item], m), v.description(doc));
}
