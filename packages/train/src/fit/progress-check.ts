import { CheckpointError } from '../io/checkpoint-file.js';
import type { RunProgress } from './checkpoint.js';

/** What the resuming run expects a checkpoint's progress to fit into. */
export interface RunShape {
  epochs: number;
  batchesPerEpoch: number;
  dataSize: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown) => v === null || isNum(v);

/**
 * Validates a checkpoint's saved progress field by field against the run resuming it (types, ranges,
 * integer-ness, and the invariants the loop keeps: step = epoch × batches per epoch + batch, one history entry
 * per finished epoch), so an edited or corrupt header is refused rather than trained from.
 */
export function checkProgress(file: string, raw: unknown, run: RunShape): RunProgress {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new CheckpointError(file, `corrupt progress: ${field} is ${JSON.stringify(value) ?? 'missing'}, expected ${expected}`);
  };
  if (!isObj(raw)) return bad('progress', raw, 'an object');
  const p = raw;
  if (!isInt(p.epoch, 0, run.epochs)) bad('epoch', p.epoch, `an integer in [0, ${run.epochs}]`);
  const epoch = p.epoch as number;
  const maxBatch = epoch === run.epochs ? 0 : run.batchesPerEpoch - 1;
  if (!isInt(p.batch, 0, maxBatch)) bad('batch', p.batch, `an integer in [0, ${maxBatch}]`);
  const batch = p.batch as number;
  const step = epoch * run.batchesPerEpoch + batch;
  if (p.step !== step) bad('step', p.step, `${step} (epoch ${epoch} × ${run.batchesPerEpoch} batches + batch ${batch})`);
  if (p.epochLossCount !== batch) bad('epochLossCount', p.epochLossCount, `${batch} (one per batch of the epoch)`);
  if (!isNum(p.epochLossSum) || (batch === 0 && p.epochLossSum !== 0)) bad('epochLossSum', p.epochLossSum, batch === 0 ? '0' : 'a finite number');
  const rng = p.rng;
  if (!isObj(rng) || !isInt(rng.state, 0, 0xffffffff) || !isNumOrNull(rng.spareNormal)) bad('rng', rng, '{state: uint32, spareNormal: number | null}');
  if (!Array.isArray(p.history) || p.history.length !== epoch) bad('history', p.history, `a list of ${epoch} epoch logs`);
  (p.history as unknown[]).forEach((h, i) => {
    if (!isObj(h) || h.epoch !== i || !isNum(h.loss) || !isNumOrNull(h.evalLoss) || !isNumOrNull(h.evalMetric) || typeof h.metricName !== 'string'
      || !isNum(h.lr) || !isInt(h.steps, 0) || !isNum(h.seconds)) bad(`history[${i}]`, h, `the log of epoch ${i}`);
  });
  const best = p.best;
  if (best !== null && (!isObj(best) || !isInt(best.epoch, 0, epoch - 1) || !isNum(best.evalLoss) || !isNum(best.evalMetric))) {
    bad('best', best, `null or {epoch < ${epoch}, evalLoss, evalMetric}`);
  }
  if (!isInt(p.sinceBest, 0, epoch)) bad('sinceBest', p.sinceBest, `an integer in [0, ${epoch}]`);
  if (typeof p.stoppedEarly !== 'boolean') bad('stoppedEarly', p.stoppedEarly, 'true or false');
  if (!isNum(p.seconds) || (p.seconds as number) < 0) bad('seconds', p.seconds, 'a non-negative number');
  const changes = p.changes ?? []; // absent in checkpoints from before setting changes were recorded
  if (!Array.isArray(changes) || !changes.every((c) => isObj(c) && isInt(c.step, 0, step) && c.setting === 'lr' && isNum(c.from) && isNum(c.to))) {
    bad('changes', changes, 'a list of {step, setting: "lr", from, to}');
  }
  return { ...(p as unknown as RunProgress), changes: changes as RunProgress['changes'] };
}
