import './register.js';

export { ADDON_PATH, BlasUnavailableError, PREBUILT_ADDON_PATH } from './addon.js';
export { BLAS_BACKEND, registerBlasBackend } from './backend.js';
export { HeapExhaustedError } from './heap-guard.js';
export { type BlasInfo, type BlasOptions, configureBlas } from './configure.js';
