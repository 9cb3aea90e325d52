import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TFJS_PACKAGES } from './versions.js';

/**
 * Versions of the tfjs packages resolvable from `fromFile` (default: this module, i.e. what core itself would
 * load), read from their package.json files without importing them.
 */
export function installedTfjsVersions(fromFile: string = import.meta.url): Record<string, string> {
  const require = createRequire(fromFile);
  const found: Record<string, string> = {};
  for (const name of TFJS_PACKAGES) {
    try {
      const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: unknown };
      if (typeof manifest.version === 'string') found[name] = manifest.version;
    } catch {
      // not installed: the report says so per backend
    }
  }
  return found;
}
