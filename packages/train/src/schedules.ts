import { ConfigError, validate } from '@mlp-blocks/core';

/** The schedule shapes `fit` and the CLI know by name. */
export const SCHEDULES = ['linear', 'cosine', 'constant'] as const;
/** One of SCHEDULES. */
export type ScheduleKind = (typeof SCHEDULES)[number];

/** A learning rate per optimizer step: `at(t)` is the rate used by step t (0-based). Pure in t. */
export interface Schedule {
  /** The learning rate of step `step` (0-based). */
  at(step: number): number;
  /** Plain JSON describing the schedule (stored in checkpoints, so a resumed run can check it). */
  readonly config: Record<string, unknown>;
}

const owner = 'schedule';

/** The same rate at every step. */
export function constantLr(lr: number): Schedule {
  validate.positiveNumber(owner, 'lr', lr);
  return { at: () => lr, config: { kind: 'constant', lr } };
}

/**
 * Linear decay to 0 over `totalSteps`: lr·(1 − t/T), as PyTorch's `LambdaLR(lambda t: 1 - t/T)`; the
 * Hourglass authors' schedule. Steps past T stay at 0.
 */
export function linearDecay(lr: number, totalSteps: number): Schedule {
  validate.positiveNumber(owner, 'lr', lr);
  validate.positiveInt(owner, 'totalSteps', totalSteps);
  return { at: (t) => lr * Math.max(0, 1 - t / totalSteps), config: { kind: 'linear', lr, totalSteps } };
}

/**
 * Cosine annealing from lr to `minLr` over `totalSteps`: minLr + (lr − minLr)·(1 + cos(π·t/T))/2, as
 * PyTorch's `CosineAnnealingLR(T_max=T, eta_min=minLr)`. Steps past T stay at minLr.
 */
export function cosineDecay(lr: number, totalSteps: number, minLr = 0): Schedule {
  validate.positiveNumber(owner, 'lr', lr);
  validate.positiveInt(owner, 'totalSteps', totalSteps);
  if (typeof minLr !== 'number' || !(minLr >= 0 && minLr <= lr)) throw new ConfigError(owner, 'minLr', `a number in [0, lr=${lr}]`, minLr);
  const at = (t: number) => minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * Math.min(t, totalSteps)) / totalSteps))) / 2;
  return { at, config: { kind: 'cosine', lr, totalSteps, minLr } };
}

/**
 * Linear warm-up composed with any schedule: for t < steps the rate rises linearly from
 * `startFactor`·inner.at(0) towards inner.at(0) (PyTorch's `LinearLR(start_factor, total_iters=steps)`);
 * from step `steps` on it is inner.at(t − steps), so build `inner` over the remaining steps (as
 * `SequentialLR([LinearLR, inner], milestones=[steps])` does).
 */
export function withWarmup(inner: Schedule, steps: number, startFactor = 0): Schedule {
  validate.positiveInt(owner, 'warmupSteps', steps);
  if (typeof startFactor !== 'number' || !(startFactor >= 0 && startFactor <= 1)) throw new ConfigError(owner, 'warmupStart', 'a number in [0, 1]', startFactor);
  const peak = inner.at(0);
  return {
    at: (t) => (t < steps ? peak * (startFactor + ((1 - startFactor) * t) / steps) : inner.at(t - steps)),
    config: { kind: 'warmup', steps, startFactor, inner: inner.config },
  };
}

/** Options naming a schedule the way `fit` and the CLI take it. */
export interface ScheduleOptions {
  kind: ScheduleKind;
  lr: number;
  totalSteps: number;
  /** Warm-up steps taken out of totalSteps. Default 0. */
  warmupSteps?: number;
  /** Warm-up starting factor. Default 0. */
  warmupStart?: number;
  /** Cosine floor. Default 0. */
  minLr?: number;
}

/** Builds a named schedule over `totalSteps`, warm-up included (the decay covers the steps after it). */
export function makeSchedule(o: ScheduleOptions): Schedule {
  const kind = validate.oneOf(owner, 'kind', o.kind, SCHEDULES);
  const warm = validate.nonNegativeInt(owner, 'warmupSteps', o.warmupSteps ?? 0);
  validate.positiveInt(owner, 'totalSteps', o.totalSteps);
  if (warm >= o.totalSteps && kind !== 'constant') {
    throw new ConfigError(owner, 'warmupSteps', `fewer than the ${o.totalSteps} training steps`, warm);
  }
  const rest = o.totalSteps - warm;
  const inner = kind === 'linear' ? linearDecay(o.lr, rest) : kind === 'cosine' ? cosineDecay(o.lr, rest, o.minLr ?? 0) : constantLr(o.lr);
  return warm > 0 ? withWarmup(inner, warm, o.warmupStart ?? 0) : inner;
}
