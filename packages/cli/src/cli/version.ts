import { readFileSync } from 'node:fs';

/** The version of @mlp-blocks/cli, from its package.json (two folders up from this file in src/ and dist/ alike). */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
