// Child process for wasm-threads.test.ts: starts wasm with the given thread count through the built package,
// runs three SGD steps of a two-layer MLP, prints the threads in use and a hash of the final weights' bytes,
// then returns without process.exit: the parent checks that the process ends by itself.
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients of core ops
import { useBackend, wasmThreadsInUse } from '../dist/node.js';

const threads = Number(process.argv[2]);
const choice = await useBackend('wasm', { threads });
const rand = (shape, seed) => tf.randomUniform(shape, -0.1, 0.1, 'float32', seed);
const x = rand([128, 512], 1);
const y = rand([128, 512], 2);
const w1 = tf.variable(rand([512, 1024], 3));
const w2 = tf.variable(rand([1024, 512], 4));
const optimizer = tf.train.sgd(0.1);
for (let step = 0; step < 3; step++) {
  optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.relu(tf.matMul(x, w1)), w2), y))));
}
const hash = createHash('sha256');
for (const w of [w1, w2]) hash.update(Buffer.from((await w.data()).buffer));
process.stdout.write(JSON.stringify({ detail: choice.detail, threads: wasmThreadsInUse(), hash: hash.digest('hex') }) + '\n');
