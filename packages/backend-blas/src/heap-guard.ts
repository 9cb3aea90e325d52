// tfjs-backend-wasm (which `blas` instantiates) uses whatever its Emscripten `malloc` returns without a check. At the
// wasm32 limit of 4 GiB the heap cannot grow, and `malloc` then returns 0 (NULL: the tensor is written over the
// start of the heap, corrupting the allocator) or, seen with the blas instance, a block running past the end of
// memory: the step then fails later with "memory access out of bounds" or "Invalid typed array length", far from
// the cause. The guard turns both into one clear error at the allocation.

/** The part of an Emscripten module this guard reads and wraps. */
interface HeapModule {
  _malloc(bytes: number): number;
  HEAPU8: Uint8Array;
}

/** Thrown when the `blas` backend's wasm heap cannot hold another tensor. */
export class HeapExhaustedError extends Error {
  constructor(bytes: number, heapBytes: number) {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    super(
      `@mlp-blocks/backend-blas: the wasm heap is exhausted: no room for a tensor of ${mib(bytes)} (heap ${mib(heapBytes)}; ` +
        'a wasm32 heap cannot exceed 4096 MiB, and the tensors a training step keeps for its backward pass live there). ' +
        'Lower the batch size, or recompute activations in the backward pass instead of keeping them',
    );
    this.name = 'HeapExhaustedError';
  }
}

/**
 * Wraps `module._malloc` so that an allocation the heap cannot hold throws {@link HeapExhaustedError}. Emscripten's
 * export is a stub that, on its first call, assigns the raw wasm export to `Module._malloc` over itself (and over
 * any plain wrapper); a setter keeps such a reassignment as the function the guard calls instead.
 */
export function guardHeap(module: HeapModule): void {
  let malloc = module._malloc;
  const guarded = (bytes: number): number => {
    const offset = malloc.call(module, bytes);
    const start = offset >>> 0; // tfjs reads offsets above 2 GiB unsigned too
    if (bytes > 0 && (start === 0 || start + bytes > module.HEAPU8.length)) throw new HeapExhaustedError(bytes, module.HEAPU8.length);
    return offset;
  };
  Object.defineProperty(module, '_malloc', {
    configurable: true,
    enumerable: true,
    get: () => guarded,
    set: (f: (bytes: number) => number) => {
      malloc = f;
    },
  });
}
