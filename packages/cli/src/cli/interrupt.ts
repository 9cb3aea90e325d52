/** The exit code of a run stopped by Ctrl-C: 128 + SIGINT, as shells report it. */
export const INTERRUPTED_EXIT = 130;

/**
 * Ctrl-C while training: the first one aborts the returned signal (fit finishes the step in flight, checkpoints
 * it and throws FitInterruptedError) and says so; a second one calls `quitNow` (which should exit). Without this,
 * Node would end the process mid-step, leaving only the last epoch's checkpoint.
 */
export function trapInterrupt(quitNow: () => void, log: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) return quitNow();
    controller.abort();
    log('\ninterrupted: finishing the current step and writing a checkpoint (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
