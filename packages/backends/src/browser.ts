import * as tf from '@tensorflow/tfjs-core';
import type { Platform } from './engine.js';
import { describeAdapter, isSoftwareAdapter, navigatorGpu } from './gpu-adapter.js';
import type { BackendProvider } from './registry.js';
import { BackendUnavailableError } from './types.js';

/** Built-in ranks: the report's order and `auto`'s (lower first). Provider packages place theirs among them. */
// tensorflow comes after webgpu (a hardware adapter) and before `blas` (400, @mlp-blocks/backend-blas) and wasm:
// measured side by side on this repository's benchmark workloads it trained faster than both in 8 of 10 runs
// and always ran inference faster (docs/PERFORMANCE.md).
export const RANKS = { cuda: 100, webgpu: 300, tensorflow: 350, wasm: 500, cpu: 600 } as const;

// In a page the bundler decides what is loaded, so these providers never import a backend themselves (that
// would force every bundle to carry every backend): the app imports the ones it wants, we start them.
function requireRegistered(name: string, tfjsName: string, packageName: string): void {
  if (tf.findBackendFactory(tfjsName) == null) {
    throw new BackendUnavailableError(
      name,
      'not-installed',
      `${packageName} is not loaded in this page`,
      `npm i ${packageName}@${tf.version_core}, then import '${packageName}' before calling useBackend`,
    );
  }
}

// Listed in the browser's report so that a page learns why native TensorFlow is not an option there.
const nodeOnly = (name: 'cuda' | 'tensorflow', packageName: string): BackendProvider => ({
  name,
  tfjsName: 'tensorflow',
  packageName,
  platforms: ['browser'],
  rank: RANKS[name],
  description: 'native TensorFlow (Node only)',
  prepare: async () => {
    throw new BackendUnavailableError(
      name,
      'unsupported-platform',
      `${packageName} is native TensorFlow for Node; it cannot run in a browser`,
      'use webgpu or wasm in the browser',
    );
  },
});

/** The browser's providers: cpu, wasm and webgpu when the page imported them; native TensorFlow refused. */
export function browserProviders(): BackendProvider[] {
  return [
    {
      name: 'cpu',
      tfjsName: 'cpu',
      packageName: '@tensorflow/tfjs-backend-cpu',
      platforms: ['browser'],
      rank: RANKS.cpu,
      auto: true,
      description: "tfjs's plain JavaScript kernels",
      prepare: async () => {
        requireRegistered('cpu', 'cpu', '@tensorflow/tfjs-backend-cpu');
        return {};
      },
    },
    {
      name: 'wasm',
      tfjsName: 'wasm',
      packageName: '@tensorflow/tfjs-backend-wasm',
      platforms: ['browser'],
      rank: RANKS.wasm,
      auto: true,
      description: "tfjs's WebAssembly kernels (XNNPACK)",
      prepare: async () => {
        requireRegistered('wasm', 'wasm', '@tensorflow/tfjs-backend-wasm');
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        return { detail: `SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'supported' : 'unsupported'}` };
      },
    },
    {
      name: 'webgpu',
      tfjsName: 'webgpu',
      packageName: '@tensorflow/tfjs-backend-webgpu',
      platforms: ['browser'],
      rank: RANKS.webgpu,
      auto: true,
      description: "tfjs's WebGPU kernels",
      prepare: async () => {
        const gpu = navigatorGpu();
        if (!gpu) {
          throw new BackendUnavailableError(
            'webgpu',
            'no-adapter',
            'this browser has no WebGPU (navigator.gpu is undefined)',
            'use a browser with WebGPU enabled, or the wasm backend',
          );
        }
        const adapter = await gpu.requestAdapter();
        if (!adapter) throw new BackendUnavailableError('webgpu', 'no-adapter', 'navigator.gpu.requestAdapter() gave no adapter');
        requireRegistered('webgpu', 'webgpu', '@tensorflow/tfjs-backend-webgpu');
        return { detail: describeAdapter(adapter), software: isSoftwareAdapter(adapter) };
      },
    },
    nodeOnly('cuda', '@tensorflow/tfjs-node-gpu'),
    nodeOnly('tensorflow', '@tensorflow/tfjs-node'),
  ];
}

/** The browser's platform facts: the tfjs-core loaded in the page. */
export function browserPlatform(): Platform {
  const seen: Record<string, string> = { '@tensorflow/tfjs-core': tf.version_core };
  return { kind: 'browser', versions: async () => ({ ...seen }) };
}
