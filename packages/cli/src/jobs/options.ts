import { InvalidArgumentError } from 'commander';
import { integerIn } from '../cli/args.js';

// Parsers of the `jobs` options. Each returns the value in one canonical form, or throws naming the option, what
// it must be and the value received (commander prefixes the option, as for every other flag).

const fail = (name: string, what: string, value: string) => new InvalidArgumentError(`${name} must be ${what}, received "${value}"`);

/** A memory size in Slurm's grammar: an integer with K, M, G or T (binary units; no unit means M). */
export interface MemSize {
  /** Mebibytes, rounded up. */
  mib: number;
}

const MEM_UNITS: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };
const MEM_WHAT = 'a size such as 512M, 4G or 1T (an integer, then K, M, G or T; no unit means M)';

export function memSize(name: string) {
  return (value: string): MemSize => {
    const m = /^(\d{1,9})([KMGT]?)$/i.exec(value.trim());
    if (!m) throw fail(name, MEM_WHAT, value);
    const mib = Math.ceil(Number(m[1]) * MEM_UNITS[(m[2] || 'M').toUpperCase()]!);
    if (mib < 1) throw fail(name, `${MEM_WHAT} of at least 1M`, value);
    return { mib };
  };
}

/** `4G` when whole gibibytes, else `4500M`: what `#SBATCH --mem` takes. */
export const slurmMem = (m: MemSize) => (m.mib % 1024 === 0 ? `${m.mib / 1024}G` : `${m.mib}M`);
/** `4Gi` / `4500Mi`: a Kubernetes quantity of the same size. */
export const k8sMem = (m: MemSize) => (m.mib % 1024 === 0 ? `${m.mib / 1024}Gi` : `${m.mib}Mi`);

const TIME_WHAT = 'a time limit in Slurm\'s forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, and not zero';

/** A wall-time limit in Slurm's forms, as seconds (Kubernetes' activeDeadlineSeconds takes them as they are). */
export function timeLimit(name: string) {
  return (value: string): number => {
    const text = value.trim();
    const withDays = /^(\d{1,4})-(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?$/.exec(text);
    let seconds: number;
    if (withDays) {
      const [, d, h, m = '0', s = '0'] = withDays;
      if (Number(m) > 59 || Number(s) > 59) throw fail(name, TIME_WHAT, value);
      seconds = ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s);
    } else if (/^\d{1,7}(:\d{1,2}){0,2}$/.test(text)) {
      const parts = text.split(':').map(Number);
      if (parts.slice(1).some((p) => p > 59)) throw fail(name, TIME_WHAT, value);
      // Slurm reads one number as minutes, two as minutes:seconds, three as hours:minutes:seconds.
      seconds = parts.length === 1 ? parts[0]! * 60 : parts.length === 2 ? parts[0]! * 60 + parts[1]! : (parts[0]! * 60 + parts[1]!) * 60 + parts[2]!;
    } else {
      throw fail(name, TIME_WHAT, value);
    }
    if (seconds === 0) throw fail(name, TIME_WHAT, value);
    return seconds;
  };
}

/** Seconds as Slurm's `D-HH:MM:SS` (or `HH:MM:SS` under a day). */
export function slurmTime(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const d = Math.floor(seconds / 86400);
  const hms = `${two(Math.floor((seconds % 86400) / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** A name written into a job file unquoted: Slurm job and partition names, backends. */
export function plainName(name: string, what = 'letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit)') {
  return (value: string): string => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) throw fail(name, what, value);
    return value;
  };
}

/** A Kubernetes object name that stays a valid DNS label with the `-merge` and `-grid` suffixes added. */
export function k8sName(name: string) {
  return (value: string): string => {
    if (!/^[a-z0-9]([a-z0-9-]{0,48}[a-z0-9])?$/.test(value)) {
      throw fail(name, 'a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 50 characters', value);
    }
    return value;
  };
}

/** A container image reference (registry/name:tag or @digest). */
export function imageRef(name: string) {
  return (value: string): string => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/.test(value)) throw fail(name, 'an image reference such as node:20-bookworm-slim or registry.example/mlp:1.2', value);
    return value;
  };
}

/**
 * The command that runs mlp-blocks on the cluster, as words. They are written into shell scripts, so only
 * characters that need no quoting are allowed (no spaces inside a word, no `$`, quotes, globs or `;`).
 */
export function commandWords(name: string) {
  return (value: string): string[] => {
    const words = value.trim().split(/\s+/);
    if (value.trim() === '' || !words.every((w) => /^[A-Za-z0-9@%+=:,./_-]+$/.test(w))) {
      throw fail(name, 'a command such as "mlp-blocks" or "npx --yes @mlp-blocks/cli", made of words of letters, digits and @%+=:,./_- (no quotes, $, globs or ;)', value);
    }
    return words;
  };
}

export const shardCount = (name: string) => integerIn(name, 1, 10000, 'an integer from 1 to 10000 (Slurm\'s default MaxArraySize is 1001)');
