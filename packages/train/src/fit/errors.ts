/** Raised when a training step's loss is NaN or infinite; the weights of that step were not applied. */
export class NonFiniteLossError extends Error {
  readonly loss: number;
  readonly epoch: number;
  readonly step: number;
  /** The last checkpoint written before the failure, if any: still intact on disk. */
  readonly checkpoint: string | null;

  constructor(loss: number, epoch: number, step: number, checkpoint: string | null, checkpointStep: number | null) {
    super(`training diverged: loss is ${loss} at epoch ${epoch + 1}, step ${step + 1}; stopped without applying that step. `
      + (checkpoint ? `The last good checkpoint (step ${checkpointStep}) is intact at ${checkpoint}; lower the learning rate and resume from it.` : 'No checkpoint had been written yet; lower the learning rate and start again.'));
    this.name = 'NonFiniteLossError';
    this.loss = loss;
    this.epoch = epoch;
    this.step = step;
    this.checkpoint = checkpoint;
  }
}
