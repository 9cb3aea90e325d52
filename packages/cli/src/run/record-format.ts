import type { TrialRecord } from './trial.js';

/**
 * The format of the trial records this version writes (results.jsonl lines and result.json), in their `format`
 * field. 2: epochs are 1-based (`bestEpoch`, `history[].epoch`), as the console and report print them. Records
 * without the field are format 1, whose epochs were 0-based.
 */
export const RECORD_FORMAT = 2;

/**
 * A record as this version reads it: format 1 (no `format` field, 0-based epochs) is converted to 1-based epochs,
 * so old results files keep reporting the epochs they always printed. Another format is an error (the caller
 * names the file and line).
 */
export function upgradeRecord(record: TrialRecord): TrialRecord {
  const format = (record as { format?: unknown }).format;
  if (format === RECORD_FORMAT) return record;
  if (format !== undefined) {
    const newer = Number.isSafeInteger(format) && (format as number) > RECORD_FORMAT;
    throw new Error(`"format" is ${JSON.stringify(format)}, expected ${RECORD_FORMAT} or none`
      + (newer ? ' (written by a newer mlp-blocks; upgrade it)' : ''));
  }
  const next = (epoch: unknown) => (typeof epoch === 'number' ? epoch + 1 : epoch);
  return {
    ...record,
    format: RECORD_FORMAT,
    bestEpoch: next(record.bestEpoch) as number | null,
    ...(Array.isArray(record.history) ? { history: record.history.map((h) => ({ ...h, epoch: next(h.epoch) as number })) } : {}),
  };
}
