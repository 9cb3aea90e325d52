// Issue 19: a property test of crash safety. A training process SIGKILLed after a random step (fast-check,
// fixed seed) and resumed from its checkpoint ends with output byte-identical to an uninterrupted run's
// (final weights, step count, best evaluation and per-epoch losses). Runs test/scripts/fit-child.mjs on dist.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./scripts/fit-child.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlp-kill-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child to its end, or until it reports "hang", where it is SIGKILLed. Resolves with its stdout lines. */
function runChild(args: string[]): Promise<{ killed: boolean; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      if (/^hang \d+$/m.test(out)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, lines: out.split('\n') });
      else if (code === 0) resolve({ killed: false, lines: out.split('\n') });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

describe.skipIf(!existsSync(dist))('SIGKILL at a random step, then resume', () => {
  it('gives output byte-identical to an uninterrupted run (3 seeded kill points)', async () => {
    const full = join(dir, 'full.json');
    await runChild([join(dir, 'full.ckpt'), full, '0', '0']);
    const expected = readFileSync(full);
    let run = 0;
    // 3 epochs × 16 steps, checkpoints every 5 steps and at epoch ends; any step but the last.
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 47 }), async (killAt) => {
      run++;
      const ckpt = join(dir, `run${run}.ckpt`);
      const out = join(dir, `run${run}.json`);
      const killed = await runChild([ckpt, out, '0', '0', String(killAt)]);
      expect(killed.killed).toBe(true);
      expect(existsSync(out)).toBe(false);
      const resumed = await runChild([ckpt, out, '1', '0']);
      const from = resumed.lines.find((l) => l.startsWith('resumed '));
      // Checkpoints at steps 5, 10, 15, 16 (epoch end), ...: the resume starts at the last one at or before the kill.
      const lastCheckpoint = [5, 10, 15, 16, 20, 25, 30, 32, 35, 40, 45].filter((s) => s < killAt).pop();
      expect(from ?? null).toBe(lastCheckpoint === undefined ? null : `resumed ${lastCheckpoint}`);
      expect(readFileSync(out).equals(expected)).toBe(true);
    }), { seed: 1919, numRuns: 3, endOnFailure: true });
  }, 120_000);
});
