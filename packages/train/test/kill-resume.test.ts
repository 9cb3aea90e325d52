// THE resume test: a training process killed with SIGKILL mid-run and resumed from its last checkpoint
// ends with the same weights as an uninterrupted run. Runs test/scripts/fit-child.mjs on the built package.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./scripts/fit-child.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlp-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome { code: number | null; signal: NodeJS.Signals | null; lines: string[] }

/** Runs the child; `killWhen` sees each stdout line and returns true to SIGKILL the child right there. */
function runChild(args: string[], killWhen?: (line: string, lines: string[]) => boolean): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    child.stdout!.on('data', (d) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        if (killWhen?.(line, lines) && child.exitCode === null) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ code, signal, lines });
    });
  });
}

const weightsOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { steps: number; history: number[]; weights: Array<{ name: string; values: number[] }> };

describe.skipIf(!existsSync(dist))('kill -9 and resume', () => {
  it('ends with the same weights as an uninterrupted run', async () => {
    const full = join(dir, 'full.json');
    await runChild([join(dir, 'full.ckpt'), full, '0', '0']);

    // Kill three steps after the second mid-epoch checkpoint (step 10), so steps 11–13 are lost and redone.
    const ckpt = join(dir, 'killed.ckpt');
    const killedOut = join(dir, 'killed.json');
    let checkpoints = 0;
    let killedAt = -1;
    const killed = await runChild([ckpt, killedOut, '0', '40'], (line) => {
      if (line.startsWith('checkpoint ')) checkpoints++;
      if (checkpoints >= 2 && line.startsWith('step ')) {
        const step = Number(line.slice(5));
        if (step >= 13) {
          killedAt = step;
          return true;
        }
      }
      return false;
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThanOrEqual(13);
    expect(killedAt).toBeLessThan(48); // really mid-run: 3 epochs × 16 steps
    expect(existsSync(killedOut)).toBe(false);
    expect(existsSync(ckpt)).toBe(true);

    const resumedOut = join(dir, 'resumed.json');
    const resumed = await runChild([ckpt, resumedOut, '1', '0']);
    const from = Number(resumed.lines.find((l) => l.startsWith('resumed '))?.slice(8));
    expect(from).toBeGreaterThanOrEqual(10);
    expect(from).toBeLessThan(killedAt); // the steps after the checkpoint were redone
    expect(resumed.lines.filter((l) => l.startsWith('step ')).length).toBe(48 - from);

    const a = weightsOf(full);
    const b = weightsOf(resumedOut);
    expect(b.steps).toBe(48);
    expect(b.history).toHaveLength(3);
    b.history.forEach((loss, i) => expect(Math.abs(loss - a.history[i]!)).toBeLessThan(1e-6));
    expect(b.weights.map((w) => w.name)).toEqual(a.weights.map((w) => w.name));
    let maxDiff = 0;
    a.weights.forEach((w, i) => w.values.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - b.weights[i]!.values[j]!)); }));
    expect(maxDiff).toBeLessThan(1e-6);
    // And training really moved the weights: the loss fell by more than half over the run.
    expect(a.history[2]!).toBeLessThan(0.5 * a.history[0]!);
  });
});
