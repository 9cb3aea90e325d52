// `info` probes the backends in a child process of the CLI. Native libraries write straight to file descriptor 2
// (Dawn, behind the webgpu package, prints "Warning: Couldn't load Vulkan …" when it looks for an adapter), where
// no JavaScript can catch them and no environment variable of Dawn's turns them off; the child's stderr can be.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '@mlp-blocks/backends/node';
import { type Info, collectInfo } from './info.js';

/** What a probe printed on stderr: the native libraries' warnings (deduplicated), and every other line. */
export interface ProbeStderr {
  warnings: string[];
  rest: string[];
}

/**
 * Splits a probe's stderr: a line starting with "Warning: " is a native warning (its "    at …" source lines and the
 * blank lines around it are dropped); everything else is kept to be passed on.
 */
export function splitProbeStderr(stderr: string): ProbeStderr {
  const warnings: string[] = [];
  const rest: string[] = [];
  let inWarning = false;
  for (const line of stderr.split('\n')) {
    if (line.startsWith('Warning: ')) {
      const text = line.slice('Warning: '.length).trim();
      if (!warnings.includes(text)) warnings.push(text);
      inWarning = true;
    } else if (line.trim() === '' || (inWarning && /^\s+at /.test(line))) {
      continue;
    } else {
      inWarning = false;
      rest.push(line);
    }
  }
  return { warnings, rest };
}

/** The built CLI entry beside this file (absent when this module runs from its TypeScript sources). */
const cliEntry = fileURLToPath(new URL('../cli.js', import.meta.url));

/**
 * `collectInfo` in a child process with its stderr captured: native warnings go into the report's
 * `probeWarnings`, other stderr lines are passed on (a failing child's error among them), and a failing child's
 * exit code becomes this one's.
 * Without a built CLI entry it probes in this process.
 */
export async function collectInfoIsolated(backend: BackendName, plugins: readonly string[]): Promise<Info> {
  if (!existsSync(cliEntry)) return { ...(await collectInfo(backend)), probeWarnings: [] };
  const args = [...process.execArgv, cliEntry, 'info', '--json', '--in-process', '--backend', backend, ...plugins.flatMap((p) => ['--plugin', p])];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const { warnings, rest } = splitProbeStderr(child.stderr ?? '');
  if (rest.length > 0) process.stderr.write(`${rest.join('\n')}\n`);
  if (child.status !== 0) {
    const why = child.error ? child.error.message : child.signal ? `killed by ${child.signal}` : null;
    if (why) process.stderr.write(`mlp-blocks: info: the backend probe failed (${why})\n`);
    throw Object.assign(new Error('info: the backend probe failed'), { exitCode: child.status || 1 }); // already reported
  }
  return { ...(JSON.parse(child.stdout) as Info), probeWarnings: warnings };
}
