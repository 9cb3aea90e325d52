import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where `train` puts a run when --out is not given: `runs/` under the working directory. */
export const RUNS_DIR = 'runs';

const pad = (n: number) => String(n).padStart(2, '0');
/** Local time as 20260105-173012: sorts by time, and is a file name everywhere. */
export const stamp = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;

/**
 * A fresh run directory for `train` without --out: `runs/<task>-<model>-<local time>` (model: the preset or family
 * name, or a spec file's name), with `-2`, `-3`… when two runs start in the same second. Not created here.
 */
export function defaultRunDir(task: string, model: string, now = new Date(), root = RUNS_DIR): string {
  const safe = model.replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 60) || 'model';
  const base = path.join(root, `${task}-${safe}-${stamp(now)}`);
  let dir = base;
  for (let k = 2; fs.existsSync(dir); k++) dir = `${base}-${k}`;
  return dir;
}

/** The name a run directory uses for a --model value: a preset or family as typed, a file's base name, or a spec's family. */
export function modelLabel(value: string, family: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) return family;
  if (fs.existsSync(trimmed)) return path.basename(trimmed).replace(/\.json$/i, '');
  return trimmed;
}
