// A full wasm heap gives one clear error at the allocation (HeapExhaustedError) instead of a NULL or out-of-range
// block that tfjs-backend-wasm would use unchecked ("memory access out of bounds" later, or a corrupted allocator).
// The guard is checked on a stand-in module for both failure modes malloc has shown, and on the real `blas`
// backend by filling its heap to the wasm32 limit (4 GiB of 64 MiB tensors, freed at once).
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@mlp-blocks/backends/node';
import { afterAll, describe, expect, it } from 'vitest';
import { HeapExhaustedError } from '../src/index.js';
import { guardHeap } from '../src/heap-guard.js';

afterAll(async () => {
  await useBackend('wasm');
});

/** A module whose malloc hands out `offsets` in turn, over a heap of `heapBytes`. */
function fakeModule(heapBytes: number, offsets: number[]) {
  return { HEAPU8: new Uint8Array(heapBytes), _malloc: (_bytes: number): number => offsets.shift()! };
}

describe('guardHeap', () => {
  it("keeps guarding after Emscripten's lazy export stub replaces Module._malloc on its first call", () => {
    const raw = () => 0; // what the heap gives once full
    const module = { HEAPU8: new Uint8Array(64), _malloc: (n: number): number => { module._malloc = raw; return n > 0 ? 8 : 0; } };
    guardHeap(module);
    expect(module._malloc(16)).toBe(8); // the stub's first call
    expect(() => module._malloc(16)).toThrow(HeapExhaustedError); // now the raw export, still guarded
  });

  it('passes valid blocks through, with offsets above 2 GiB read unsigned', () => {
    const module = fakeModule(64, [8, 0x80000000 | 0]);
    guardHeap(module);
    expect(module._malloc(16)).toBe(8);
    // 2 GiB as malloc returns it in wasm32 (negative as a signed int): beyond this 64-byte heap, so refused
    expect(() => module._malloc(16)).toThrow(HeapExhaustedError);
  });

  it('refuses NULL and a block that runs past the heap, naming the size and the limit', () => {
    const nullModule = fakeModule(1 << 20, [0]);
    guardHeap(nullModule);
    expect(() => nullModule._malloc(3 << 20)).toThrow(/wasm heap is exhausted: no room for a tensor of 3\.0 MiB \(heap 1\.0 MiB; a wasm32 heap cannot exceed 4096 MiB.*Lower the batch size/);
    const pastEnd = fakeModule(1 << 20, [(1 << 20) - 8]);
    guardHeap(pastEnd);
    expect(() => pastEnd._malloc(16)).toThrow(HeapExhaustedError);
  });
});

describe('the blas backend at the wasm32 heap limit', () => {
  it('throws HeapExhaustedError when the heap is full, and allocates again once tensors are freed', async () => {
    await useBackend('blas', { threads: 1 });
    const before = tf.memory().numTensors;
    const kept: tf.Tensor[] = [];
    let error: unknown = null;
    try {
      for (let i = 0; i < 80 && error === null; i++) {
        try {
          kept.push(tf.fill([16, 1024, 1024], 1)); // 64 MiB each: 64 of them is the 4 GiB limit
        } catch (e) {
          error = e;
        }
      }
    } finally {
      tf.dispose(kept);
    }
    expect(error).toBeInstanceOf(HeapExhaustedError);
    expect(kept.length).toBeGreaterThan(50); // the heap grew to near 4 GiB first
    expect(kept.length).toBeLessThan(64);
    expect(tf.memory().numTensors).toBe(before);
    const after = tf.tidy(() => tf.sum(tf.fill([16, 1024, 1024], 1)));
    expect((await after.data())[0]).toBe(16 * 1024 * 1024);
    after.dispose();
  }, 120_000);
});
