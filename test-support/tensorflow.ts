// The real `tensorflow` backend (tfjs-node on libtensorflow, built by `pnpm provision:tensorflow`) for the tests
// of every package. Where it is not provisioned those tests skip and say why; in CI (CI=true, or
// MLP_BLOCKS_TENSORFLOW=required, both set by .ci/run) they fail instead, so a broken provisioning cannot pass.
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@mlp-blocks/backends/node';

/** True where the `tensorflow` backend must run: CI, or MLP_BLOCKS_TENSORFLOW=required. */
export const tensorflowRequired = process.env['CI'] === 'true' || process.env['MLP_BLOCKS_TENSORFLOW'] === 'required';

/**
 * Starts `tensorflow` once to see whether it can run, then goes back to the backend active before. Resolves to
 * null when it can, else to a skip reason (and prints it); rejects where it is required but cannot run.
 */
export async function tensorflowSkipReason(): Promise<string | null> {
  const before = tf.engine().backendName ?? null;
  const why = await useBackend('tensorflow').then(
    () => null,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  if (before && tf.getBackend() !== before) await tf.setBackend(before);
  if (why === null) return null;
  if (tensorflowRequired) {
    throw new Error(`the tensorflow backend is required here (CI or MLP_BLOCKS_TENSORFLOW=required) but cannot start: ${why}`);
  }
  const reason = `tensorflow backend not provisioned (${why.split('. Fix:')[0]}); run pnpm provision:tensorflow`;
  console.warn(`skipping: ${reason}`);
  return reason;
}
