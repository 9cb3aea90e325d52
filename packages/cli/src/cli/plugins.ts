// Plugins: packages whose import registers model families (or backend providers) with @mlp-blocks/core, so a family
// published by anyone works in every command without an edit here. They come from `--plugin <package>` (repeatable)
// and from the `"mlp-blocks": { "plugins": [...] }` field of the nearest package.json above the working directory.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where a plugin name came from, for error messages. */
export interface PluginRequest {
  name: string;
  from: string;
}

/** The nearest package.json at or above `dir`, or null. */
function nearestManifest(dir: string): string | null {
  let at = resolve(dir);
  for (;;) {
    const file = join(at, 'package.json');
    if (existsSync(file)) return file;
    const up = dirname(at);
    if (up === at) return null;
    at = up;
  }
}

/** The plugins the nearest package.json lists under `"mlp-blocks": { "plugins": [...] }`. */
export function manifestPlugins(cwd: string): PluginRequest[] {
  const file = nearestManifest(cwd);
  if (!file) return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); it is read for its "mlp-blocks" plugins field`);
  }
  const field = (manifest as Record<string, unknown> | null)?.['mlp-blocks'];
  if (field === undefined) return [];
  const plugins = (field as Record<string, unknown> | null)?.['plugins'];
  if (!Array.isArray(plugins) || !plugins.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new Error(`${file}: "mlp-blocks".plugins must be a list of package names, received ${JSON.stringify(plugins)}`);
  }
  return plugins.map((name) => ({ name, from: `${file} ("mlp-blocks".plugins)` }));
}

const loaded = new Set<string>();

/**
 * Imports each plugin once, resolved from `cwd` (where a user installs them, beside the CLI or in their project).
 * Errors name the plugin, where it was asked for and what to do.
 */
export async function loadPlugins(requests: readonly PluginRequest[], cwd: string): Promise<string[]> {
  // From the user's project first, then from beside the CLI (a global install with its plugins next to it).
  const requires = [createRequire(join(resolve(cwd), 'package.json')), createRequire(import.meta.url)];
  const done: string[] = [];
  for (const { name, from } of requests) {
    if (loaded.has(name)) continue;
    const path = requires.map((r) => {
      try {
        return r.resolve(name);
      } catch {
        return null;
      }
    }).find((p) => p !== null);
    if (!path) throw new Error(`plugin ${name} (from ${from}) is not installed where ${resolve(cwd)} or the CLI can find it; install it there (npm i ${name})`);
    try {
      await import(pathToFileURL(path).href);
    } catch (e) {
      throw new Error(`plugin ${name} (from ${from}) failed to load: ${(e as Error).message}`);
    }
    loaded.add(name);
    done.push(name);
  }
  return done;
}
