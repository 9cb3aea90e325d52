import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from './types.js';

function isNotFound(e: unknown, packageName: string): boolean {
  const err = e as { code?: string; message?: string };
  return (
    (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') &&
    (err.message ?? '').includes(packageName)
  );
}

/**
 * Imports an optional package by name (a variable specifier, so TypeScript and bundlers leave it alone),
 * turning "not installed" into a {@link BackendUnavailableError} with the install command.
 */
export async function loadOptional<T = unknown>(backend: string, packageName: string, version = tf.version_core): Promise<T> {
  const specifier: string = packageName;
  try {
    return (await import(specifier)) as T;
  } catch (e) {
    if (isNotFound(e, packageName)) {
      throw new BackendUnavailableError(backend, 'not-installed', `${packageName} is not installed`, `npm i ${packageName}@${version}`);
    }
    throw e;
  }
}
