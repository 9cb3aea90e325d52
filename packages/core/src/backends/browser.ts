import * as tf from '@tensorflow/tfjs-core';
import type { Platform, Provider } from './engine.js';
import { describeAdapter, isSoftwareAdapter, navigatorGpu } from './gpu-adapter.js';
import { BackendUnavailableError, type ConcreteBackend } from './types.js';

// In a page the bundler decides what is loaded, so these providers never import a backend themselves (that
// would force every bundle to carry every backend): the app imports the ones it wants, we start them.
function requireRegistered(name: ConcreteBackend, tfjsName: string, packageName: string): void {
  if (tf.findBackendFactory(tfjsName) == null) {
    throw new BackendUnavailableError(
      name,
      'not-installed',
      `${packageName} is not loaded in this page`,
      `npm i ${packageName}@${tf.version_core}, then import '${packageName}' before calling useBackend`,
    );
  }
}

const nodeOnly = (name: ConcreteBackend, packageName: string, tfjsName = 'tensorflow', what = 'native TensorFlow'): Provider => ({
  name,
  tfjsName,
  packageName,
  prepare: async () => {
    throw new BackendUnavailableError(
      name,
      'unsupported-platform',
      `${packageName} is ${what} for Node; it cannot run in a browser`,
      'use webgpu or wasm in the browser',
    );
  },
});

/** The browser's providers: cpu, wasm and webgpu when the page imported them; no native TensorFlow. */
export function browserPlatform(): Platform {
  const seen: Record<string, string> = { '@tensorflow/tfjs-core': tf.version_core };
  return {
    kind: 'browser',
    versions: async () => ({ ...seen }),
    providers: {
      cpu: {
        name: 'cpu',
        tfjsName: 'cpu',
        packageName: '@tensorflow/tfjs-backend-cpu',
        prepare: async () => {
          requireRegistered('cpu', 'cpu', '@tensorflow/tfjs-backend-cpu');
          return {};
        },
      },
      wasm: {
        name: 'wasm',
        tfjsName: 'wasm',
        packageName: '@tensorflow/tfjs-backend-wasm',
        prepare: async () => {
          requireRegistered('wasm', 'wasm', '@tensorflow/tfjs-backend-wasm');
          const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
          const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
          return { detail: `SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'supported' : 'unsupported'}` };
        },
      },
      webgpu: {
        name: 'webgpu',
        tfjsName: 'webgpu',
        packageName: '@tensorflow/tfjs-backend-webgpu',
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
      cuda: nodeOnly('cuda', '@tensorflow/tfjs-node-gpu'),
      tensorflow: nodeOnly('tensorflow', '@tensorflow/tfjs-node'),
      blas: nodeOnly('blas', '@mlp-blocks/backend-blas', 'wasm', 'a native OpenBLAS addon'),
    },
  };
}

