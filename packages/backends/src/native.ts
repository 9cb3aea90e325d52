// Native TensorFlow through @tensorflow/tfjs-node(-gpu). Their install script downloads libtensorflow, which
// fails offline; the package then loads without its binding. `mlp-blocks-provision-tfjs-node` (this package's
// scripts/provision-tfjs-node.mjs) builds the binding from the tensorflow-cpu wheel instead: in this repository
// both packages are provisioned so, and `tensorflow` runs for real. tfjs-node-gpu then loads on CPU libraries,
// which tests the "binding present, no CUDA device" path; a GPU itself can only be proven on an NVIDIA machine.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { type CudaEnvironment, diagnoseCuda } from './cuda-diagnosis.js';
import { loadOptional } from './load-package.js';
import type { BackendProvider } from './registry.js';
import { BackendUnavailableError } from './types.js';

/** Reads what the machine offers for CUDA: nvidia-smi's banner and the CUDA/cuDNN libraries on the loader path. */
export function probeCudaEnvironment(): CudaEnvironment {
  let nvidiaSmi: string | null = null;
  try {
    nvidiaSmi = execFileSync('nvidia-smi', { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    nvidiaSmi = null;
  }
  const libraries = new Set<string>();
  const keep = (name: string) => /^lib(cudart|cublas|cudnn)\.so\.\d+(\.\d+)?$/.test(name) && libraries.add(name);
  try {
    const cache = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of cache.split('\n')) keep(line.trim().split(/\s+/)[0] ?? '');
  } catch {
    // no ldconfig (or not Linux): rely on LD_LIBRARY_PATH
  }
  for (const dir of (process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean)) {
    if (existsSync(dir)) for (const f of readdirSync(dir)) keep(f);
  }
  return { nvidiaSmi, libraries: [...libraries] };
}

// tfjs-node registers its kernels before it checks for its binding, so loading the second native package
// after the first failed prints one "already registered" warning per kernel: hundreds of lines of noise; and
// loading both (tfjs-node, then tfjs-node-gpu) reuses the first's "tensorflow" backend, which tfjs announces.
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!/is already registered|backend was already registered/.test(String(args[0]))) warn(...args);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

type NativeProvider = Omit<BackendProvider, 'rank'>;

function nativeProvider(name: 'cuda' | 'tensorflow', packageName: string, gpu: boolean): NativeProvider {
  return {
    name,
    tfjsName: 'tensorflow',
    packageName,
    platforms: ['node'],
    description: gpu ? 'native TensorFlow on an NVIDIA GPU (tfjs-node-gpu)' : 'native TensorFlow on the CPU (tfjs-node)',
    prepare: async () => {
      try {
        await quietly(() => loadOptional(name, packageName));
      } catch (e) {
        if (e instanceof BackendUnavailableError) throw e;
        const message = (e as Error).message ?? String(e);
        if (/tfjs_binding\.node|native addon/i.test(message)) {
          throw new BackendUnavailableError(
            name,
            'no-binding',
            `${packageName} is installed but its native addon (tfjs_binding.node with libtensorflow) is missing: its install script did not download libtensorflow`,
            `npm rebuild ${packageName} (needs network access to storage.googleapis.com${gpu ? '; then CUDA 11.2 + cuDNN 8.1' : ''}); ` +
              `offline: npx mlp-blocks-provision-tfjs-node${gpu ? ' --gpu' : ''} (libtensorflow from the tensorflow-cpu wheel${gpu ? ', CPU only' : ''})`,
          );
        }
        throw new BackendUnavailableError(name, 'init-failed', `${packageName} failed to load: ${message.split('\n')[0]}`);
      }
      return {};
    },
    verify: async () => {
      if (!gpu) return 'libtensorflow on the CPU';
      // tfjs-node-gpu falls back to the CPU without a word when CUDA 11.2 / cuDNN 8.1 cannot be loaded.
      const usingGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
      if (usingGpu) return 'libtensorflow on an NVIDIA GPU';
      const diagnosis = diagnoseCuda(probeCudaEnvironment());
      const why = diagnosis.ok
        ? 'the CUDA libraries are there but TensorFlow could not initialise the GPU (a libtensorflow built without CUDA, ' +
          'such as one provisioned from the tensorflow-cpu wheel, never uses one)'
        : diagnosis.reason;
      throw new BackendUnavailableError(
        name,
        'no-gpu',
        `${packageName}'s native binding is present and loads, but no CUDA device is visible to TensorFlow: ${why}`,
        diagnosis.fix || 'npm rebuild @tensorflow/tfjs-node-gpu with network access (its libtensorflow 2.9.1 GPU build)',
      );
    },
  };
}

/** `cuda`: @tensorflow/tfjs-node-gpu, refused when it would silently run on the CPU. */
export const cudaProvider = (): NativeProvider => nativeProvider('cuda', '@tensorflow/tfjs-node-gpu', true);
/** `tensorflow`: @tensorflow/tfjs-node (libtensorflow on the CPU). */
export const tensorflowProvider = (): NativeProvider => nativeProvider('tensorflow', '@tensorflow/tfjs-node', false);
