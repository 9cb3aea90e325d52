import cliProgress from 'cli-progress';

/** How `fit` shows progress: 'auto', 'bar', 'log' or 'none'. */
export const PROGRESS_MODES = ['auto', 'bar', 'log', 'none'] as const;
/** One of PROGRESS_MODES. */
export type ProgressMode = (typeof PROGRESS_MODES)[number];

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

/** Where `fit` sends progress: a bar while an epoch runs (TTY), a plain line per epoch otherwise. */
export interface ProgressSink {
  epochStart(epoch: number, batchesDone: number): void;
  step(batchesDone: number, loss: number, lr: number): void;
  epochEnd(log: EpochLog): void;
  message(line: string): void;
  stop(): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

const fmt = (v: number | null, digits = 4) => (v == null || Number.isNaN(v) ? '-' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(digits) : v.toExponential(2));

/** The plain line for an epoch, e.g. `epoch 2/5  loss 0.0312  eval_loss 0.0290  psnr 15.37  lr 9.0e-04  3.1s`. */
export function formatEpoch(log: EpochLog, epochs: number): string {
  const parts = [`epoch ${log.epoch + 1}/${epochs}`, `loss ${fmt(log.loss)}`];
  if (log.evalLoss != null) parts.push(`eval_loss ${fmt(log.evalLoss)}`);
  if (log.evalMetric != null && !Number.isNaN(log.evalMetric)) parts.push(`${log.metricName} ${fmt(log.evalMetric, log.metricName === 'psnr' ? 2 : 4)}`);
  parts.push(`lr ${log.lr.toExponential(1)}`, `${log.seconds.toFixed(1)}s`);
  return parts.join('  ');
}

/** Picks the sink for a mode: 'auto' is a bar on a TTY and log lines otherwise. */
export function createProgress(mode: ProgressMode, stream: Stream, epochs: number, batchesPerEpoch: number): ProgressSink {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'log') : mode;
  if (resolved === 'none') return { epochStart() {}, step() {}, epochEnd() {}, message() {}, stop() {} };
  const write = (line: string) => stream.write(`${line}\n`);
  if (resolved === 'log') {
    return { epochStart() {}, step() {}, epochEnd: (log) => write(formatEpoch(log, epochs)), message: write, stop() {} };
  }
  const bar = new cliProgress.SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total}  loss {loss}  lr {lr}  eta {eta_formatted}',
    hideCursor: false,
    clearOnComplete: true,
    barsize: 24,
    noTTYOutput: !stream.isTTY,
    notTTYSchedule: 1000,
  }, cliProgress.Presets.shades_classic);
  let active = false;
  return {
    epochStart(epoch, done) {
      bar.start(batchesPerEpoch, done, { epoch: epoch + 1, epochs, loss: '-', lr: '-' });
      active = true;
    },
    step(done, loss, lr) {
      bar.update(done, { loss: fmt(loss), lr: lr.toExponential(1) });
    },
    epochEnd(log) {
      if (active) bar.stop();
      active = false;
      write(formatEpoch(log, epochs));
    },
    message(line) {
      if (active) bar.stop();
      active = false;
      write(line);
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
