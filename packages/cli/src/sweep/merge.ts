import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mlp-blocks/train';
import type { TrialRecord } from '../run/trial.js';
import { latestById, readResults } from './results.js';
import { MANIFEST, RESULTS, type SweepManifest } from './sweep.js';

/** What `mergeSweeps` reports: trials merged, trials planned, and the ids of those still missing. */
export interface MergeResult {
  merged: number;
  planned: number;
  missing: string[];
}

function readManifest(dir: string): SweepManifest {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`merge: ${dir} is not a sweep directory (no ${MANIFEST})`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SweepManifest;
  } catch (e) {
    throw new Error(`merge: ${file} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Combines the outputs of shard runs of one grid into `out`: one results.jsonl in the grid's trial order,
 * the trials' directories, and an unsharded sweep.json. Refuses shards of different grids; reports trials
 * that no shard finished.
 */
export function mergeSweeps(inputs: readonly string[], out: string, warn: (line: string) => void = () => {}): MergeResult {
  if (inputs.length === 0) throw new Error('merge: give at least one shard directory');
  const manifests = inputs.map(readManifest);
  const first = manifests[0]!;
  manifests.forEach((m, i) => {
    if (m.gridHash !== first.gridHash || m.maxParams !== first.maxParams) {
      throw new Error(`merge: ${inputs[i]} ran a different grid than ${inputs[0]} (grid hash ${m.gridHash} vs ${first.gridHash})`);
    }
  });
  const order = new Map(first.trials.map((t) => [t.id, t.index]));
  const byId = new Map<string, { record: TrialRecord; from: string }>();
  for (const dir of inputs) {
    for (const record of latestById(readResults(path.join(dir, RESULTS), warn))) {
      if (!order.has(record.id)) throw new Error(`merge: ${path.join(dir, RESULTS)} holds trial ${record.id}, which the grid does not plan`);
      if (!byId.has(record.id)) byId.set(record.id, { record, from: dir });
      else warn(`merge: trial ${record.id} is in both ${byId.get(record.id)!.from} and ${dir}; keeping the first`);
    }
  }
  const outDir = path.resolve(out);
  fs.mkdirSync(outDir, { recursive: true });
  const records = [...byId.values()].sort((a, b) => order.get(a.record.id)! - order.get(b.record.id)!);
  for (const { record, from } of records) {
    const src = path.join(from, record.dir);
    const dst = path.join(outDir, record.dir);
    if (path.resolve(src) !== dst && fs.existsSync(src)) fs.cpSync(src, dst, { recursive: true });
  }
  writeFileAtomic(path.join(outDir, RESULTS), records.map(({ record }) => `${JSON.stringify(record)}\n`).join(''));
  writeFileAtomic(path.join(outDir, MANIFEST), `${JSON.stringify({ ...first, shard: null }, null, 2)}\n`);
  const missing = first.trials.filter((t) => !byId.has(t.id)).map((t) => t.id);
  return { merged: records.length, planned: first.trials.length, missing };
}
