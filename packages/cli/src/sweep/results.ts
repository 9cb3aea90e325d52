import * as fs from 'node:fs';
import { upgradeRecord } from '../run/record-format.js';
import type { TrialRecord } from '../run/trial.js';

/**
 * Reads a results.jsonl, each record in the current format (older ones converted: see upgradeRecord). A torn
 * last line (a crash while appending) is ignored with a warning; a corrupt line elsewhere is an error naming
 * the file and line.
 */
export function readResults(file: string, warn: (line: string) => void = () => {}): TrialRecord[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const out: TrialRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const record = JSON.parse(line) as TrialRecord;
      if (typeof record.id !== 'string' || typeof record.family !== 'string') throw new Error('no "id" and "family"');
      out.push(upgradeRecord(record));
    } catch (e) {
      const last = i === lines.length - 1; // no newline after it: the write was cut short
      if (last) warn(`${file}: ignoring an incomplete last line (${line.length} characters; a run was interrupted while writing it)`);
      else throw new Error(`${file} line ${i + 1}: not a trial record (${(e as Error).message})`);
    }
  });
  return out;
}

/** The latest record of each trial id, in first-seen order. */
export function latestById(records: readonly TrialRecord[]): TrialRecord[] {
  const byId = new Map<string, TrialRecord>();
  for (const r of records) byId.set(r.id, r);
  return [...byId.values()];
}

/**
 * Cuts a torn last line (no trailing newline) off a results file before more lines are appended, so the
 * next record does not fuse with it. Returns true if anything was cut.
 */
export function repairResults(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const bytes = fs.readFileSync(file);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return false;
  const keep = bytes.lastIndexOf(0x0a) + 1;
  fs.truncateSync(file, keep);
  return true;
}
