import './register.js';

export { ADDON_PATH, BlasUnavailableError } from './addon.js';
export { BLAS_BACKEND, registerBlasBackend } from './backend.js';
export { type BlasInfo, type BlasOptions, configureBlas } from './configure.js';
