import type { MemSize } from './options.js';

/** What both schedulers' job files are written from (paths absolute and checked, options parsed). */
export interface SweepJobSpec {
  /** The grid's text, as read (a frozen copy goes with the job files, so later edits cannot split the shards). */
  gridText: string;
  /** The number of shards: array tasks or Job indexes, each running `sweep --shard k/n`. */
  shards: number;
  /** The command that runs mlp-blocks where the jobs run, as words. */
  cli: string[];
  cpus: number;
  mem: MemSize;
  /** Wall-time limit of each task (each attempt), in seconds. */
  timeSeconds: number;
  backend: string;
  maxParams?: number;
  /** `--data-dir` of every shard, as a path where the jobs run. */
  dataDir?: string;
  /** The @mlp-blocks/cli version that wrote the files (recorded in them). */
  version: string;
}

/** A file to write: its name in the output directory, text, and whether it is a script to execute. */
export interface JobFile {
  name: string;
  text: string;
  executable?: boolean;
}
