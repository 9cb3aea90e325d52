/** What the machine offers for CUDA, gathered by {@link probeCudaEnvironment} (or given by a test). */
export interface CudaEnvironment {
  /** Output of `nvidia-smi`, or null when it is not on PATH. */
  nvidiaSmi: string | null;
  /** Shared-library file names found on the loader path (ldconfig cache and LD_LIBRARY_PATH). */
  libraries: string[];
}

/** libtensorflow 2.9.1 (under tfjs-node-gpu 4.x) is linked against CUDA 11.2 and cuDNN 8.1. */
export const REQUIRED_CUDA_LIBRARIES = ['libcudart.so.11.0', 'libcublas.so.11', 'libcudnn.so.8'] as const;

/** Why native TensorFlow would not (or did not) use the GPU; `ok` when the required libraries are present. */
export function diagnoseCuda(env: CudaEnvironment): { ok: boolean; reason: string; fix: string } {
  if (env.nvidiaSmi == null) {
    return { ok: false, reason: 'no NVIDIA driver found (nvidia-smi is not on PATH)', fix: 'install the NVIDIA driver and the CUDA 11.2 + cuDNN 8.1 runtime libraries, or use a CPU backend (tensorflow, blas, wasm)' };
  }
  const driverCuda = /CUDA Version:\s*([0-9.]+)/.exec(env.nvidiaSmi)?.[1];
  const missing = REQUIRED_CUDA_LIBRARIES.filter((lib) => !env.libraries.includes(lib));
  if (missing.length === 0) return { ok: true, reason: 'CUDA 11 runtime and cuDNN 8 found', fix: '' };
  const runtimes = [...new Set(env.libraries.filter((l) => /^libcudart\.so\.\d+/.test(l)))].sort();
  const found = runtimes.length ? `found ${runtimes.join(', ')}` : 'no CUDA runtime library found';
  return {
    ok: false,
    reason:
      `libtensorflow 2.9.1 needs CUDA 11.2 + cuDNN 8.1 but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing ` +
      `(${found}${driverCuda ? `; driver supports CUDA ${driverCuda}` : ''}), so TensorFlow would silently run on the CPU`,
    fix: 'install the CUDA 11.2 and cuDNN 8.1 runtime libraries (they can sit beside CUDA 12) and put them on LD_LIBRARY_PATH',
  };
}
