import * as path from 'node:path';

/** A word for bash or POSIX sh, single-quoted: every character stands for itself (a `'` becomes `'\''`). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * An absolute path that can be written into a job file. Control characters (a newline above all) would end a
 * line of the script or of an `#SBATCH` directive, so they are refused; `forSbatch` also refuses what an
 * `#SBATCH` value cannot hold literally: `"` and `\` (sbatch's own quoting) and `%` (Slurm's file-name patterns,
 * such as `%A`). Spaces and every other character are fine (quoted).
 */
export function jobPath(option: string, p: string, forSbatch = false): string {
  const abs = path.resolve(p);
  if (/[\u0000-\u001f\u007f]/.test(abs)) throw new Error(`${option}: ${JSON.stringify(abs)} holds a control character (a newline, tab, …), which cannot be written into a job file; choose another path`);
  if (forSbatch) {
    const bad = /["\\%]/.exec(abs);
    if (bad) throw new Error(`${option}: ${abs} holds "${bad[0]}", which an #SBATCH line cannot hold literally (Slurm reads % as a file-name pattern and " and \\ as its quoting); choose another path`);
  }
  return abs;
}

/** An `#SBATCH` value, double-quoted as sbatch reads it (jobPath has refused `"`, `\` and `%`). */
export const sbatchQuote = (value: string) => `"${value}"`;
