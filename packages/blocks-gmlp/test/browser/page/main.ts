// A consumer page that imports only @mlp-blocks/gmlp (plus tfjs and one backend), as an app bundling gMLP for
// the browser would. It runs the MNIST-size classifier on deterministic weights and exposes the logits.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PRESETS, gmlpClassifier } from '@mlp-blocks/gmlp';
import { fillWeights, sampleImages } from '../weights.js';

const page = window as unknown as { done?: boolean; logits?: number[]; shape?: number[]; failure?: string };

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const model = gmlpClassifier({ ...PRESETS.gmlp_mnist });
  fillWeights(model);
  const logits = model.predict(sampleImages()) as tf.Tensor;
  page.shape = logits.shape;
  page.logits = [...(await logits.data())];
  document.getElementById('out')!.textContent = JSON.stringify({ shape: page.shape });
}

main()
  .catch((e: unknown) => {
    page.failure = String((e as Error)?.stack ?? e);
  })
  .finally(() => {
    page.done = true;
  });
