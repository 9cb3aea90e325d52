// Registration module (the package's only side effect): every shipped model into core's pretrained registry, so
// `createModel(name, { pretrained: true })` and the CLI's evaluate / predict find it by name.
import '@mlp-blocks/hourglass';
import '@mlp-blocks/gmlp';
import '@mlp-blocks/mixer';
import { registerPretrained } from '@mlp-blocks/core';
import { loadFromFolder } from './load.js';
import { MODELS_DIR, readManifest } from './manifest.js';

/** The npm name of this package, named in core's errors and listings. */
export const PACKAGE_NAME = '@mlp-blocks/pretrained';

for (const entry of readManifest()) {
  registerPretrained({
    name: entry.name,
    packageName: PACKAGE_NAME,
    description: entry.description,
    spec: entry.spec,
    data: entry.data,
    inputShape: entry.inputShape,
    load: () => loadFromFolder(entry, `${MODELS_DIR}${entry.name}`),
  });
}
