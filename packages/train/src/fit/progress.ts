import cliProgress from 'cli-progress';
import { ConfigError } from '@mlp-blocks/core';

/** How `fit` shows progress: 'auto', 'bar', 'log' or 'none'. */
export const PROGRESS_MODES = ['auto', 'bar', 'log', 'none'] as const;
/** One of PROGRESS_MODES. */
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Seconds between the plain progress lines of 'log' mode, by default. */
export const DEFAULT_LOG_EVERY = 10;

/** What `fit` reports after each epoch (also the entries of FitResult.history). */
export interface EpochLog {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  evalLoss: number | null;
  evalMetric: number | null;
  metricName: string;
  lr: number;
  steps: number;
  seconds: number;
}

/**
 * Where `fit` and `evaluate` send progress: a bar while an epoch or an evaluation runs (TTY), plain lines
 * otherwise — one after the first step, then one every `logEvery` seconds, and one per epoch.
 */
export interface ProgressSink {
  epochStart(epoch: number, batchesDone: number): void;
  /** After a step of `samples` examples. */
  step(batchesDone: number, loss: number, lr: number, samples: number): void;
  epochEnd(log: EpochLog): void;
  /** An evaluation of `batches` batches begins; `label` names it in the output ("epoch 2/5 eval", "test"). */
  evalStart(label: string, batches: number): void;
  evalStep(batchesDone: number, samples: number): void;
  evalEnd(): void;
  message(line: string): void;
  stop(): void;
}

/** Options of createProgress beyond the mode and stream. */
export interface ProgressOptions {
  epochs: number;
  batchesPerEpoch: number;
  /** Seconds between plain lines in 'log' mode (0: every step). Default DEFAULT_LOG_EVERY. */
  logEvery?: number;
}

/** Checks a `logEvery` option: seconds, a finite number ≥ 0. */
export function checkLogEvery(owner: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigError(owner, 'logEvery', 'a number of seconds ≥ 0', value);
  return value;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

const fmt = (v: number | null, digits = 4) => (v == null || Number.isNaN(v) ? '-' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(digits) : v.toExponential(2));
const fmtRate = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const fmtSeconds = (s: number) => (!Number.isFinite(s) ? '-' : s < 60 ? `${Math.round(s)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`);

/** The plain line for an epoch, e.g. `epoch 2/5  loss 0.0312  eval_loss 0.0290  psnr 15.37  lr 9.0e-04  3.1s`. */
export function formatEpoch(log: EpochLog, epochs: number): string {
  const parts = [`epoch ${log.epoch + 1}/${epochs}`, `loss ${fmt(log.loss)}`];
  if (log.evalLoss != null) parts.push(`eval_loss ${fmt(log.evalLoss)}`);
  if (log.evalMetric != null && !Number.isNaN(log.evalMetric)) parts.push(`${log.metricName} ${fmt(log.evalMetric, log.metricName === 'psnr' ? 2 : 4)}`);
  parts.push(`lr ${log.lr.toExponential(1)}`, `${log.seconds.toFixed(1)}s`);
  return parts.join('  ');
}

/** Examples per second since `start`, and the time left for the rest of `total` batches at the pace so far. */
class Pace {
  private t0 = performance.now();
  private samples = 0;
  private batches = 0;
  constructor(private readonly total: number) {}
  add(samples: number): void {
    this.samples += samples;
    this.batches += 1;
  }
  get perSecond(): number {
    const s = (performance.now() - this.t0) / 1000;
    return s > 0 ? this.samples / s : Number.NaN;
  }
  /** Seconds left, for `done` of the total batches done (those before this pace started count as done). */
  eta(done: number): number {
    return this.batches === 0 ? Number.NaN : ((this.total - done) * (performance.now() - this.t0)) / 1000 / this.batches;
  }
}

const NONE: ProgressSink = { epochStart() {}, step() {}, epochEnd() {}, evalStart() {}, evalStep() {}, evalEnd() {}, message() {}, stop() {} };

/** Picks the sink for a mode: 'auto' is a bar on a TTY and log lines otherwise. */
export function createProgress(mode: ProgressMode, stream: Stream, o: ProgressOptions): ProgressSink {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'log') : mode;
  if (resolved === 'none') return NONE;
  return resolved === 'log' ? logSink(stream, o) : barSink(stream, o);
}

/**
 * Plain lines for logs and pipes, where a bar would be redrawn into nothing: the first step's (training has
 * started, at what pace), then one every `logEvery` seconds, during evaluations too, and each epoch's.
 */
function logSink(stream: Stream, o: ProgressOptions): ProgressSink {
  const write = (line: string) => stream.write(`${line}\n`);
  const everyMs = 1000 * (o.logEvery ?? DEFAULT_LOG_EVERY);
  let last = Number.NEGATIVE_INFINITY;
  let first = true;
  const due = () => performance.now() - last >= everyMs;
  const wrote = () => {
    last = performance.now();
  };
  let epochLabel = '';
  let pace = new Pace(o.batchesPerEpoch);
  let evalLabel = '';
  let evalTotal = 0;
  let evalPace = new Pace(0);
  return {
    epochStart(epoch) {
      epochLabel = `epoch ${epoch + 1}/${o.epochs}`;
      pace = new Pace(o.batchesPerEpoch);
    },
    step(done, loss, lr, samples) {
      pace.add(samples);
      if (!first && !due()) return;
      first = false;
      write(`${epochLabel}  step ${done}/${o.batchesPerEpoch}  loss ${fmt(loss)}  lr ${lr.toExponential(1)}  ${fmtRate(pace.perSecond)} samples/s  eta ${fmtSeconds(pace.eta(done))}`);
      wrote();
    },
    epochEnd(log) {
      write(formatEpoch(log, o.epochs));
      wrote();
    },
    evalStart(label, batches) {
      evalLabel = label;
      evalTotal = batches;
      evalPace = new Pace(batches);
    },
    evalStep(done, samples) {
      evalPace.add(samples);
      if (!due()) return;
      write(`${evalLabel} ${done}/${evalTotal} batches  ${fmtRate(evalPace.perSecond)} samples/s  eta ${fmtSeconds(evalPace.eta(done))}`);
      wrote();
    },
    evalEnd() {},
    message(line) {
      write(line);
      wrote();
    },
    stop() {},
  };
}

/** A bar per epoch (loss, learning rate, samples/s, eta) and per evaluation, cleared when done. */
function barSink(stream: Stream, o: ProgressOptions): ProgressSink {
  const write = (line: string) => stream.write(`${line}\n`);
  const common = {
    stream: stream as NodeJS.WritableStream, hideCursor: false, clearOnComplete: true, barsize: 24,
    noTTYOutput: !stream.isTTY, notTTYSchedule: 1000,
  };
  const bar = new cliProgress.SingleBar({
    ...common, format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total}  loss {loss}  lr {lr}  {rate} samples/s  eta {eta_formatted}',
  }, cliProgress.Presets.shades_classic);
  const evalBar = new cliProgress.SingleBar({
    ...common, format: '{label} [{bar}] {value}/{total}  {rate} samples/s  eta {eta_formatted}',
  }, cliProgress.Presets.shades_classic);
  let active: cliProgress.SingleBar | null = null;
  let pace = new Pace(o.batchesPerEpoch);
  let evalPace = new Pace(0);
  const end = () => {
    active?.stop();
    active = null;
  };
  return {
    epochStart(epoch, done) {
      end();
      pace = new Pace(o.batchesPerEpoch);
      bar.start(o.batchesPerEpoch, done, { epoch: epoch + 1, epochs: o.epochs, loss: '-', lr: '-', rate: '-' });
      active = bar;
    },
    step(done, loss, lr, samples) {
      pace.add(samples);
      bar.update(done, { loss: fmt(loss), lr: lr.toExponential(1), rate: fmtRate(pace.perSecond) });
    },
    epochEnd(log) {
      end();
      write(formatEpoch(log, o.epochs));
    },
    evalStart(label, batches) {
      end();
      evalPace = new Pace(batches);
      evalBar.start(batches, 0, { label, rate: '-' });
      active = evalBar;
    },
    evalStep(done, samples) {
      evalPace.add(samples);
      evalBar.update(done, { rate: fmtRate(evalPace.perSecond) });
    },
    evalEnd: end,
    message(line) {
      end();
      write(line);
    },
    stop: end,
  };
}
