// WebGPU in Node through Dawn (the `webgpu` npm package). On a machine without a GPU, Dawn's OpenGL backend
// runs on Mesa's software GL when EGL_PLATFORM=surfaceless and the adapter is requested in compatibility mode.
import { describeAdapter, isSoftwareAdapter, navigatorGpu } from './gpu-adapter.js';
import { loadOptional } from './load-package.js';
import { BackendUnavailableError } from './types.js';

interface Gpu {
  requestAdapter(options?: object): Promise<unknown>;
}
interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

/** The `webgpu` package version these adapters were written against. */
export const DAWN_PACKAGE = 'webgpu';
export const DAWN_VERSION = '0.6.2';
const MESA_FIX = 'apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri (software GL), or a GPU driver with Vulkan';

let installed: { detail: string; software: boolean } | undefined;

function defineNavigatorGpu(gpu: Gpu): void {
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true, writable: true });
}

/**
 * Makes `navigator.gpu` exist in Node, backed by Dawn: the default (Vulkan/Metal/D3D) adapter when there is
 * one, else OpenGL on Mesa in compatibility mode. Idempotent; respects a `navigator.gpu` that is already there.
 */
export async function ensureNavigatorGpu(): Promise<{ detail: string; software: boolean }> {
  if (installed) return installed;
  const existing = navigatorGpu();
  if (existing) {
    const adapter = await existing.requestAdapter();
    if (!adapter) throw new BackendUnavailableError('webgpu', 'no-adapter', 'navigator.gpu.requestAdapter() gave no adapter');
    return (installed = { detail: describeAdapter(adapter), software: isSoftwareAdapter(adapter) });
  }
  const dawn = await loadOptional<DawnModule>('webgpu', DAWN_PACKAGE, DAWN_VERSION);
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, … that the tfjs backend reads
  const native = dawn.create([]);
  let adapter = await native.requestAdapter();
  if (adapter) {
    defineNavigatorGpu(native);
    return (installed = { detail: `${describeAdapter(adapter)} (Dawn, native)`, software: isSoftwareAdapter(adapter) });
  }
  process.env['EGL_PLATFORM'] ??= 'surfaceless';
  const gl = dawn.create(['backend=opengl']);
  adapter = await gl.requestAdapter({ featureLevel: 'compatibility' });
  if (!adapter) {
    throw new BackendUnavailableError('webgpu', 'no-adapter', 'Dawn found no adapter (neither native nor OpenGL)', MESA_FIX);
  }
  // tfjs asks for its adapter itself, without featureLevel; the OpenGL adapter exists only in compatibility mode.
  const compat: Gpu = Object.create(gl) as Gpu;
  compat.requestAdapter = (options?: object) => gl.requestAdapter({ ...options, featureLevel: 'compatibility' });
  defineNavigatorGpu(compat);
  return (installed = {
    detail: `${describeAdapter(adapter)} (Dawn, OpenGL compatibility; read with await t.data())`,
    software: isSoftwareAdapter(adapter),
  });
}
