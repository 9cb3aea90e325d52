// Registers Node's built-in providers (cpu, wasm, webgpu through Dawn, cuda, tensorflow) when the `./node`
// entry is imported. Listed in package.json's sideEffects.
import { nodeProviders } from '../node-providers.js';
import { registerBackendProvider } from '../registry.js';

for (const provider of nodeProviders()) registerBackendProvider(provider);
