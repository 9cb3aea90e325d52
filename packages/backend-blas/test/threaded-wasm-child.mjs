// Child process for threaded-wasm.test.ts: starts wasm with 2 threads (the count is fixed per process), then
// blas, then wasm again, through the built package; prints the thread counts each backend runs with and a
// product computed on each. Returns without process.exit: the parent checks that the process ends by itself.
import * as tf from '@tensorflow/tfjs-core';
import { useBackend, wasmThreadsInUse } from '@mlp-blocks/backends/node';
import '../dist/index.js';

const product = () => Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync());
const threadsOf = () => tf.backend().wasm.tfjs.getThreadsCount();
const out = {};
await useBackend('wasm', { threads: 2 });
out.wasm = { threads: wasmThreadsInUse(), product: product() };
await useBackend('blas');
out.blas = { backend: tf.getBackend(), threads: threadsOf(), product: product() };
await useBackend('wasm');
out.wasmAgain = { threads: wasmThreadsInUse(), product: product() };
process.stdout.write(`${JSON.stringify(out)}\n`);
