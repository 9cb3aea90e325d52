export { ADDON_PATH, BlasUnavailableError } from './addon.js';
export { type BlasInfo, type BlasOptions, blasProductsEnabled, disableBlasProducts, enableBlasProducts } from './products.js';
