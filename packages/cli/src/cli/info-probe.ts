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

// TensorFlow (libtensorflow behind tfjs-node) logs through absl in glog's format: "I0000 00:00:1796525951.784014
// 13368 port.cc:153] text", sometimes with a continuation line, after absl's own one-time preamble line.
const GLOG = /^[IWEF]\d{4} [\d:.]+\s+\d+ [^\]\s]+:\d+\] (.*)$/;
const ABSL_PREAMBLE = /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/;

/**
 * Splits a probe's stderr into native libraries' lines and the rest. Native: a line starting with "Warning: "
 * (Dawn; its "    at …" source lines are dropped) and TensorFlow's glog-format log lines (their continuation
 * lines are joined on; absl's preamble is dropped). Blank lines are dropped; everything else is kept to be
 * passed on, and a line starting with "mlp-blocks:" always is.
 */
export function splitProbeStderr(stderr: string): ProbeStderr {
  const warnings: string[] = [];
  const rest: string[] = [];
  let inNative: 'dawn' | 'glog' | null = null;
  const add = (text: string) => {
    if (!warnings.includes(text)) warnings.push(text);
  };
  for (const line of stderr.split('\n')) {
    const glog = GLOG.exec(line);
    if (line.startsWith('Warning: ')) {
      add(line.slice('Warning: '.length).trim());
      inNative = 'dawn';
    } else if (glog) {
      add((glog[1] ?? '').trim());
      inNative = 'glog';
    } else if (line.trim() === '' || ABSL_PREAMBLE.test(line) || (inNative === 'dawn' && /^\s+at /.test(line))) {
      continue;
    } else if (inNative === 'glog' && !line.startsWith('mlp-blocks:')) {
      // a glog message's continuation: the last warning gets it (it may be a repeat that `add` skipped)
      const last = warnings.pop() ?? '';
      add(`${last} ${line.trim()}`.trim());
    } else {
      inNative = null;
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
  // TensorFlow's INFO lines (oneDNN, CPU features) say nothing about usability; its warnings and errors still come.
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '1' };
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  const { warnings, rest } = splitProbeStderr(child.stderr ?? '');
  if (rest.length > 0) process.stderr.write(`${rest.join('\n')}\n`);
  if (child.status !== 0) {
    const why = child.error ? child.error.message : child.signal ? `killed by ${child.signal}` : null;
    if (why) process.stderr.write(`mlp-blocks: info: the backend probe failed (${why})\n`);
    throw Object.assign(new Error('info: the backend probe failed'), { exitCode: child.status || 1 }); // already reported
  }
  return { ...(JSON.parse(child.stdout) as Info), probeWarnings: warnings };
}
