// Registers the browser's built-in providers (cpu, wasm, webgpu; cuda and tensorflow as refused) when the
// main entry is imported. Listed in package.json's sideEffects.
import { browserProviders } from '../browser.js';
import { registerBackendProvider } from '../registry.js';

for (const provider of browserProviders()) registerBackendProvider(provider);
