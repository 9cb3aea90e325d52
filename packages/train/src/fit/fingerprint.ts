/** What a run was started with; a resume must match it (nested objects are compared leaf by leaf). */
export type RunFingerprint = Record<string, unknown>;

/** One setting that differs between a checkpoint and the run resuming it. */
export interface FingerprintDiff {
  setting: string;
  saved: unknown;
  now: unknown;
}

/** Flattens nested plain objects to dotted paths, so a difference names the exact field (spec.activation). */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value === undefined ? null : value);
  }
}

/**
 * The settings that differ, in a stable order. `onlySaved` compares only the top-level settings the checkpoint
 * recorded (files from before a setting was fingerprinted); `ignore` skips the given paths.
 */
export function diffFingerprints(saved: RunFingerprint, now: RunFingerprint, o: { onlySaved?: boolean; ignore?: ReadonlySet<string> } = {}): FingerprintDiff[] {
  const keys = [...new Set([...Object.keys(saved), ...(o.onlySaved ? [] : Object.keys(now))])];
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  for (const k of keys) {
    flatten(saved[k] ?? null, k, a);
    flatten(now[k] ?? null, k, b);
  }
  const diffs: FingerprintDiff[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (o.ignore?.has(path)) continue;
    const x = a.get(path) ?? null;
    const y = b.get(path) ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) diffs.push({ setting: path, saved: x, now: y });
  }
  return diffs;
}

/** The fingerprint paths that hold the learning rate (the peak rate and the schedule's copies of it). */
export const LR_PATHS: ReadonlySet<string> = new Set(['lr', 'schedule.lr', 'schedule.inner.lr']);
