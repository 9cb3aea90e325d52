// A page the way an app would write it: the published entry points, the backends it wants imported, and
// useBackend from the browser-safe subpath. It runs one hourglass network on cpu, wasm and webgpu with the same
// weights and exposes the outputs for the test to compare.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendReport, backendReport, useBackend } from '@mlp-blocks/backends';
import { hourglassMlp } from '@mlp-blocks/hourglass';

setWasmPaths(new URL('./wasm/', location.href).href);

interface Run {
  backend: string;
  detail?: string;
  trainOut: number[];
  evalOut: number[];
  error?: string;
}
const page = window as unknown as { done?: boolean; runs?: Run[]; report?: BackendReport; failure?: string };

const build = () => hourglassMlp({ inputDim: 32, outputDim: 32, width: 64, bottleneck: 8, depth: 2, lift: 'fixed', seed: 5 });

async function main(): Promise<void> {
  await useBackend('cpu');
  const reference = build();
  const weights = await Promise.all(reference.getWeights().map(async (w) => ({ shape: w.shape, data: await w.data() })));
  reference.dispose();
  const x = await tf.randomUniform([8, 32], 0, 1, 'float32', 7).data();

  const runs: Run[] = [];
  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
    try {
      const choice = await useBackend(backend);
      const model = build();
      model.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
      const xs = tf.tensor2d(x, [8, 32]);
      const trainOut = await (model.apply(xs, { training: true }) as tf.Tensor).data();
      const evalOut = await (model.apply(xs, { training: false }) as tf.Tensor).data();
      runs.push({ backend: tf.getBackend(), ...(choice.detail ? { detail: choice.detail } : {}), trainOut: [...trainOut], evalOut: [...evalOut] });
    } catch (e) {
      runs.push({ backend, trainOut: [], evalOut: [], error: (e as Error).message });
    }
  }
  page.runs = runs;
  page.report = await backendReport();
  document.getElementById('out')!.textContent = JSON.stringify({ runs: runs.map((r) => ({ ...r, trainOut: r.trainOut.length })) }, null, 2);
}

main()
  .catch((e: unknown) => {
    page.failure = String((e as Error)?.stack ?? e);
  })
  .finally(() => {
    page.done = true;
  });
