// Shared by the CLI tests: run the built binary, read JSON lines.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface Run { status: number | null; stdout: string; stderr: string }

/** Runs `mlp-blocks ...args` to completion. */
export function run(...args: string[]): Run {
  return runWithEnv({}, ...args);
}

/** Runs `mlp-blocks ...args` with extra environment variables (undefined removes one). */
export function runWithEnv(env: Record<string, string | undefined>, ...args: string[]): Run {
  const merged = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, env: merged });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `mlp-blocks ...args` to completion with `cwd` as the working directory. */
export function cliIn(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `mlp-blocks ...args` as a separate process without blocking (several can run at once). */
export function runAsync(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export function readJsonl(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** The lines a failed command printed on stderr, ignoring blank ones. */
export function errorLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}
