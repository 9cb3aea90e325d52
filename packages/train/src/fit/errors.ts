/** Where the best evaluation's checkpoint is: the file, the epoch it evaluated, and its step. */
export interface BestCheckpoint {
  file: string;
  epoch: number;
  step: number;
}

/** Raised when a training step's loss is NaN or infinite; the weights of that step were not applied. */
export class NonFiniteLossError extends Error {
  readonly loss: number;
  readonly epoch: number;
  readonly step: number;
  /** The last checkpoint written before the failure, if any: still intact on disk. */
  readonly checkpoint: string | null;
  readonly checkpointStep: number | null;
  /** The checkpoint of the best evaluation (its weights predate any later blow-up), if one was kept. */
  readonly best: BestCheckpoint | null;

  constructor(loss: number, epoch: number, step: number, checkpoint: string | null, checkpointStep: number | null, best: BestCheckpoint | null = null) {
    // The last checkpoint may already hold huge weights (they grow before the loss overflows), hence the best one.
    super(`training diverged: loss is ${loss} at epoch ${epoch + 1}, step ${step + 1}; stopped without applying that step. `
      + (checkpoint
        ? `The last checkpoint (step ${checkpointStep}) is intact at ${checkpoint}; resume from it with a lower learning rate (fit option allowLrChange: true; mlp-blocks train --resume --lr <lower>).`
          + (best && best.step !== checkpointStep ? ` If its weights had already blown up, copy the best evaluation's checkpoint (epoch ${best.epoch + 1}, step ${best.step}) from ${best.file} over it first.` : '')
        : 'No checkpoint had been written yet; lower the learning rate and start again.'));
    this.name = 'NonFiniteLossError';
    this.loss = loss;
    this.epoch = epoch;
    this.step = step;
    this.checkpoint = checkpoint;
    this.checkpointStep = checkpointStep;
    this.best = best;
  }
}

/**
 * Raised by `fit` when its `signal` aborts: the step in flight finished and, with a checkpoint file, a checkpoint of
 * that step was written, so `resume: true` continues exactly there.
 */
export class FitInterruptedError extends Error {
  /** The epoch (0-based) the run was in, and the steps taken. */
  readonly epoch: number;
  readonly step: number;
  /** The checkpoint written at `step`, or null when fit had no checkpoint file. */
  readonly checkpoint: string | null;

  constructor(epoch: number, step: number, checkpoint: string | null) {
    super(`training interrupted at epoch ${epoch + 1}, step ${step}; `
      + (checkpoint ? `checkpoint of step ${step} written to ${checkpoint} (resume from it with resume: true)` : 'no checkpoint file was given, nothing was saved'));
    this.name = 'FitInterruptedError';
    this.epoch = epoch;
    this.step = step;
    this.checkpoint = checkpoint;
  }
}
